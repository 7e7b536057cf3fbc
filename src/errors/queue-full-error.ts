import { WorkforceError } from './workforce-error.js';

/** Raised when `maxConcurrentCalls` (running + queued) would be exceeded. */
export class QueueFullError extends WorkforceError {
  override name = 'QueueFullError';
  override readonly code = 'ERR_WORKFORCE_QUEUE_FULL';
  constructor(readonly maxConcurrentCalls: number) {
    super(`Too many calls: maxConcurrentCalls (${maxConcurrentCalls}) queued and running calls reached`);
  }
}
