import { WorkforceError } from './workforce-error.js';

/** A task failed on every attempt (1 + maxRetries); `reason` is the last failure. */
export class CallMaxRetryError extends WorkforceError {
  override name = 'CallMaxRetryError';
  override readonly code = 'ERR_WORKFORCE_MAX_RETRY';
  constructor(
    readonly reason: unknown,
    readonly attempts: number,
    readonly taskId?: number,
  ) {
    const why = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    super(`Task${taskId === undefined ? '' : ` #${taskId}`} failed after ${attempts} attempts: ${why}`, {
      cause: reason,
    });
  }
}
