/** The PoolWorker contract every worker honours, and the types that travel with a call. */
import type { Transferable } from '../channel/transferable.js';

export type { Transferable } from '../channel/transferable.js';

/** What the pool hands a worker with each input. */
export interface ExecuteContext {
  /** Pool-wide id of the task. */
  taskId: number;
  /** Fires when the caller aborts or the task times out: a well-behaved worker stops. */
  signal?: AbortSignal;
  /**
   * Optional, a cheaper way than `signal` to hear the same thing: `listener` runs once when the
   * call is cancelled (at once if it already was); nothing happens for a call that cannot be.
   */
  onCancel?(listener: () => void): void;
  /** Objects to move rather than copy (thread workers). */
  transfer?: readonly Transferable[];
}

/** How a worker answers a call in the callback form of `execute`: exactly once, never synchronously. */
export interface Reply {
  /** Settles the call: `ok` true with the result, false with the error. */
  answer(ok: boolean, value: unknown): void;
}

/**
 * The one contract every worker honours: thread, process, spawned and inline workers, and
 * any object a user writes for `WorkPool`. `execute` may be called again before an earlier
 * call settles when the pool's `concurrency` is above 1.
 */
export interface PoolWorker<I = unknown, O = unknown> {
  readonly id: number | string;
  /** False once the worker is dead or destroyed; the pool replaces inactive workers. */
  readonly active: boolean;
  /** Runs once before the first input (the pool waits for it before sending work); a rejection is a start failure. */
  init?(): Promise<unknown> | unknown;
  /** Runs one input; its result (or rejection) is the task's. */
  execute(input: I, context: ExecuteContext): Promise<O> | O;
  /**
   * Optional callback form of `execute`, used instead of it when present: the worker answers
   * through `call.answer(ok, value)` (exactly once, never before returning), so a call needs
   * no promise of its own. `call` is also the call's ExecuteContext.
   */
  executeWithReply?(input: I, call: ExecuteContext & Reply): void;
  /** Ends the worker: gracefully, or at once with `force`. */
  destroy(options?: { force?: boolean }): Promise<unknown> | unknown;
  /**
   * Optional: the worker accepts more calls than the pool's concurrency and queues them itself,
   * running them in arrival order. The pool then pipelines short calls to it (see `prefetch`).
   */
  readonly pipelined?: boolean;
  /**
   * Optional, for pipelined workers: drop a call received but not started yet, answering it with
   * a TaskAbortedError. A call that already runs is left alone.
   */
  withdraw?(taskId: number): void;
  /**
   * Optional: a call's transfer list is moved to the worker (detached here), so once sent the
   * call cannot be sent again: if its worker dies it fails instead of being retried.
   */
  readonly movesTransfers?: boolean;
  /** Optional: the worker reports its own death (exit code, signal, cause) so queued work moves at once. */
  onExit?(listener: (info: ExitInfo) => void): void;
}

/** How a worker ended, as its exit listeners see it. */
export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** The error that killed it, when known (uncaught exception, resource limits). */
  cause?: unknown;
  /** The pool asked for this exit (close, ttl, idle); otherwise it is a crash. */
  planned: boolean;
}

/** Called with the id the pool assigned; may return the worker or a promise of it. */
export type WorkerFactory<I = unknown, O = unknown, W extends PoolWorker<I, O> = PoolWorker<I, O>> = (context: { id: number }) => W | Promise<W>;
