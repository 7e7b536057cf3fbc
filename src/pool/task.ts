import type { Transferable } from '../channel/transferable.js';
import type { Attempt } from './attempt.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * How firmly a task keeps to its `affinity` worker: `light` may be stolen by any idle worker, `strong` only when its worker's queue is longer than the thief's by more than `strongAffinityThreshold`, `force` never moves (it waits for its worker).
 */
export type AffinityStrength = 'light' | 'strong' | 'force';
/** 'detached': taken off its queue, not yet running (about to start, move or settle). */
export type TaskState = 'queued' | 'detached' | 'running' | 'done';

/** Options of one task. `affinity` is a worker id (or 'main' in the module pool). */
export interface TaskOptions {
  affinity?: number | string;
  affinityStrength?: AffinityStrength;
  /** Aborting it rejects the call with TaskAbortedError and fires the task's signal in the worker. */
  signal?: AbortSignal;
  /** Moved to the worker instead of copied (ArrayBuffers, MessagePorts); such a call is not retried. */
  transfer?: readonly Transferable[];
  /** ms this call may run before TimeoutError (overrides the pool's `timeout`; Infinity: none). */
  timeout?: number;
}

/**
 * One unit of work as the scheduler sees it. A task lives in at most one place at a time:
 * `owner`'s queue (state 'queued', owner undefined = the pool backlog) or running on `owner`.
 * Stale references left behind in a queue by stealing or re-queueing are skipped because
 * their `owner`/`state` no longer match (lazy deletion keeps the ring buffers O(1)).
 */
export interface Task<I = unknown, O = unknown> {
  readonly id: number;
  readonly input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
  state: TaskState;
  owner: WorkerHandle<I, O> | undefined;
  affinity: number | string | undefined;
  strength: AffinityStrength | undefined;
  attempts: number;
  signal: AbortSignal | undefined;
  transfer: readonly Transferable[] | undefined;
  /** Its own timeout (TaskOptions.timeout), else undefined: the pool's. */
  timeout: number | undefined;
  queuedAt: number;
  /** Cleanup of the abort listener. */
  unlisten: (() => void) | undefined;
  /** The attempt running it now, if any. */
  attempt: Attempt<I, O> | undefined;
}
