import { WorkforceError } from './workforce-error.js';

/** The pool was closed or killed before the task could run. */
export class PoolClosedError extends WorkforceError {
  override name = 'PoolClosedError';
  override readonly code = 'ERR_WORKFORCE_POOL_CLOSED';
  constructor(message = 'The pool is closed') {
    super(message);
  }
}
