import { WorkforceError } from './workforce-error.js';

/** The caller's AbortSignal fired before the task settled. */
export class TaskAbortedError extends WorkforceError {
  override name = 'TaskAbortedError';
  override readonly code = 'ERR_WORKFORCE_ABORTED';
  constructor(readonly reason?: unknown) {
    super('The task was aborted', reason === undefined ? undefined : { cause: reason });
  }
}
