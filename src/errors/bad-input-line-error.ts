import { WorkforceError } from './workforce-error.js';

/** A line of a `workforce run` input is not a JSON value (or, under --spread, not a JSON array). */
export class BadInputLineError extends WorkforceError {
  override name = 'BadInputLineError';
  override readonly code = 'ERR_WORKFORCE_BAD_INPUT_LINE';
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`Line ${line}: ${reason}`);
  }
}
