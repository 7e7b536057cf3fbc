import { WorkforceError } from './workforce-error.js';

/** The called method is not a function exported by the worker module. */
export class MethodNotFoundError extends WorkforceError {
  override name = 'MethodNotFoundError';
  override readonly code = 'ERR_WORKFORCE_METHOD_NOT_FOUND';
  constructor(
    readonly method: string,
    readonly modulePath?: string,
    detail = 'is not exported',
  ) {
    super(`Method "${method}" ${detail} by ${modulePath ?? 'the worker module'}`);
  }
}
