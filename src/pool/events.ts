/** Event names a pool emits, and how a pool calls the listeners of its worker events (each on its own). */
import type { EventEmitter } from 'node:events';

/** Event names a pool emits (Workestrator's set, for every runtime). */
export const PoolEvents = {
  /** A worker came online: (worker). */
  ONLINE: 'online',
  /** A worker sent a message: (worker, type, content). */
  MESSAGE: 'message',
  /** A worker's channel to the pool closed: (worker). */
  DISCONNECT: 'disconnect',
  /**
   * A worker reported an error outside any task, or could not be started/stopped, or a listener of
   * another worker event threw: (worker, error). Only emitted when listened to.
   */
  ERROR: 'error',
  /** A worker's stdio closed after exit: (worker, exitCode, signal). */
  CLOSE: 'close',
  /** A worker exited: (worker, exitCode, signal, { planned, terminated }) — see WorkerExit. */
  EXIT: 'exit',
  /** A worker reached its `ttl` and is being recycled: (worker). */
  TTL: 'ttl',
  /** A worker is recycled for another reason than ttl (e.g. maxHeapBeforeRecycle): (worker). */
  RECYCLE: 'recycle',
  /** A worker was idle for `maxIdleTime` and is being ended: (worker). */
  IDLE: 'idle',
  /** Generic pool: one input failed: (input, error). */
  ITEM_ERROR: 'itemError',
  /** Generic pool: one input succeeded: (input, output). */
  ITEM: 'item',
} as const;

/** The 4th argument of an `exit` event: whether the pool asked for this exit. */
export interface WorkerExit {
  /**
   * The pool ended the worker on purpose: close(), kill(), ttl, maxIdleTime, maxHeapBeforeRecycle,
   * or a timed-out / aborted call that did not stop within cancelGracePeriod (then `terminated`
   * is true too). False for a crash (an exit, a signal, an uncaught error, resourceLimits) and for
   * a worker that failed to start.
   */
  planned: boolean;
  /** The pool terminated it because a timed-out or aborted call did not stop within cancelGracePeriod. */
  terminated: boolean;
}

/** One of the PoolEvents values (`pool.on(name, listener)`). */
export type PoolEventName = (typeof PoolEvents)[keyof typeof PoolEvents];

/**
 * The events about a worker (its first argument): their listeners are untrusted code and run
 * isolated (see emitIsolated). `item` / `itemError` are not among them: a throw there is
 * process()'s documented way to stop a run.
 */
export const WORKER_EVENTS: ReadonlySet<string | symbol> = new Set<string>([
  PoolEvents.ONLINE,
  PoolEvents.MESSAGE,
  PoolEvents.DISCONNECT,
  PoolEvents.ERROR,
  PoolEvents.CLOSE,
  PoolEvents.EXIT,
  PoolEvents.TTL,
  PoolEvents.RECYCLE,
  PoolEvents.IDLE,
]);

/**
 * Calls every listener of `event` on `emitter` with `args`, each on its own: what one throws (or
 * its promise rejects with) goes to `failed` and skips neither the other listeners nor the code
 * that emitted. `once` listeners are removed as usual. Returns whether there were listeners.
 */
export function emitIsolated(emitter: EventEmitter, event: string | symbol, args: readonly unknown[], failed: (error: unknown) => void): boolean {
  const listeners = emitter.rawListeners(event);
  if (listeners.length === 0) return false;
  for (const listener of listeners) {
    try {
      const result: unknown = Reflect.apply(listener, emitter, args);
      if (isThenable(result)) result.then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  }
  return true;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
