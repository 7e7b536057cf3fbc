import { WorkforceError } from './workforce-error.js';

/** A remote call's job left its queue (removed, or trimmed by its retention) before its result was read. */
export class JobRemovedError extends WorkforceError {
  override name = 'JobRemovedError';
  override readonly code = 'ERR_WORKFORCE_JOB_REMOVED';
  constructor(
    readonly jobId: string,
    readonly queue: string,
  ) {
    super(`Job ${jobId} of queue "${queue}" is gone: it was removed before its result could be read`);
  }
}
