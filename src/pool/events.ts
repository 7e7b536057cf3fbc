/** Event names a pool emits (Workestrator's set, for every runtime). */
export const PoolEvents = {
  /** A worker came online: (worker). */
  ONLINE: 'online',
  /** A worker sent a message: (worker, type, content). */
  MESSAGE: 'message',
  /** A worker's channel to the pool closed: (worker). */
  DISCONNECT: 'disconnect',
  /** A worker reported an error outside any task, or could not be started/stopped: (worker, error). Only emitted when listened to. */
  ERROR: 'error',
  /** A worker's stdio closed after exit: (worker, exitCode, signal). */
  CLOSE: 'close',
  /** A worker exited: (worker, exitCode, signal). */
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

export type PoolEventName = (typeof PoolEvents)[keyof typeof PoolEvents];
