import { WorkforceError } from './workforce-error.js';

/** A task ran longer than the pool's `timeout`. */
export class TimeoutError extends WorkforceError {
  override name = 'TimeoutError';
  override readonly code = 'ERR_WORKFORCE_TIMEOUT';
  constructor(
    readonly timeout: number,
    readonly taskId?: number,
  ) {
    super(`Task${taskId === undefined ? '' : ` #${taskId}`} timed out after ${timeout} ms`);
  }
}
