/**
 * The module-worker wire protocol, in one place. Messages are compact arrays (cheaper to clone
 * than objects); the first element is the message code. Tasks and results travel in batches:
 * every task (or result) a worker gets (or gives) within one tick shares one message.
 */
import type { SerializedError } from '../errors/remote-error.js';

export const Op = {
  // parent → child
  INIT: 0,
  TASK: 1,
  CANCEL: 2,
  MESSAGE: 3,
  NESTED_RESULT: 4,
  CLOSE: 5,
  WITHDRAW: 6,
  // child → parent
  READY: 10,
  INIT_ERROR: 11,
  RESULT: 12,
  POST: 13,
  NESTED: 14,
  FATAL: 15,
  NESTED_CANCEL: 16,
} as const;

/** What a child needs to start: sent as the first message. */
export interface InitConfig {
  /** file: URL of the user module. */
  module: string;
  workerId: number | string;
  /** 'json' | 'cbor' | 'structured' | a Serializer module path. */
  serializer: string;
  workerData: unknown;
  /** Report heap use with each result batch (for maxHeapBeforeRecycle). */
  reportHeap: boolean;
  /** Calls the worker runs at once; further calls it receives wait in its local queue. */
  concurrency: number;
}

/** A call on a module worker: `method` undefined = the default export; `single` = addTask form fn(arg, ctx). */
export interface Call {
  method: string | undefined;
  args: unknown[];
  single?: boolean;
}

/** Options of `workerContext.addTask(arg, options)` inside a worker. */
export interface NestedOptions {
  affinityStrength?: 'light' | 'strong' | 'force';
  /** Another worker's id, or 'main'; default: the worker that queued it. */
  affinity?: number | string;
  /** probedjs's name of `affinity`. */
  workerAffinity?: number | string;
  /**
   * Aborts the nested task: its promise rejects with TaskAbortedError and the pool cancels it.
   * A nested task is also aborted when the task that queued it is aborted or times out (queued
   * through `ctx.addTask`, or `workerContext.addTask` before the task's first `await`), or when
   * its worker dies.
   */
  signal?: AbortSignal;
}

/** What travels with a NESTED message: the options the pool acts on. */
export interface NestedWireOptions {
  affinityStrength?: 'light' | 'strong' | 'force';
  affinity?: number | string;
}

export type ToChild =
  | [typeof Op.INIT, InitConfig]
  /** Groups of 4: id, method (null = default export), encoded argument list, 1 = addTask form fn(arg, ctx). */
  | [typeof Op.TASK, ...unknown[]]
  | [typeof Op.CANCEL, number]
  /** Drop the call if it has not started (it then answers TaskAbortedError); a running call is left alone. */
  | [typeof Op.WITHDRAW, number]
  | [typeof Op.MESSAGE, string, unknown]
  | [typeof Op.NESTED_RESULT, number, 0 | 1, unknown]
  | [typeof Op.CLOSE];

export type ToParent =
  | [typeof Op.READY]
  | [typeof Op.INIT_ERROR, SerializedError, 'module' | 'hook' | 'serializer']
  /** Heap used (or null), then groups of 3: id, 1 = ok / 0 = error, encoded value or serialized error. */
  | [typeof Op.RESULT, number | null, ...unknown[]]
  | [typeof Op.POST, string, unknown]
  /**
   * id, argument, options, lending group: the task that awaits it (or the nested call alone when
   * its parent is unknown). Each group with a nested call pending lends its worker one slot.
   */
  | [typeof Op.NESTED, number, unknown, NestedWireOptions | undefined, number]
  /** The worker gave up on nested task `id` (its signal fired, or its parent task was cancelled). */
  | [typeof Op.NESTED_CANCEL, number]
  | [typeof Op.FATAL, SerializedError];
