export type Runtime = 'thread' | 'process';

/**
 * workforce is the subject, peers are the other libraries, raw is the bare Node reference (one
 * message each way per task), floor the batched one (one message each way per worker per tick).
 */
export type Role = 'workforce' | 'peer' | 'raw' | 'floor';

/** One started pool of one library, driven the same way for every library. */
export interface Adapter {
  /** Creates the pool with `workers` workers (readiness is checked by the harness, see startPool). */
  start(workers: number): Promise<void>;
  /** Runs the no-op task; resolves with the id of the worker that ran it. */
  noop(): Promise<unknown>;
  /** Sends `buf` (1 MiB) to a worker, transferred when `payloadMode` is 'transfer'; resolves with the byte length the worker saw. */
  payload(buf: ArrayBuffer): Promise<number>;
  /** Runs the busy loop for `iterations` steps (calibrated to milliseconds by the workload). */
  cpu(iterations: number): Promise<unknown>;
  /** Ends the pool and its workers; safe to call after a failed or partial start, and twice. */
  close(): Promise<void>;
}

export interface AdapterSpec {
  /** Unique row name, e.g. 'piscina' or 'workerpool/process'. */
  name: string;
  runtime: Runtime;
  role: Role;
  /** How `payload` crosses: moved with a transfer list, or structured-cloned. */
  payloadMode: 'transfer' | 'copy' | 'n/a';
  /** Configuration worth printing next to the figures (per-worker concurrency, transport). */
  notes: string;
  create(): Adapter;
}
