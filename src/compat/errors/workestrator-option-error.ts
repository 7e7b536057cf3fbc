/** Workestrator's refusal of a create() option: an AssertionError (as the seed threw) with workforce's option fields and code. */
import { AssertionError } from 'node:assert';

/**
 * Thrown by the compat `create()` for an option Workestrator refused with `assert`: still
 * `instanceof AssertionError` (what a migrating user's tests check), and it names the option, the
 * value and InvalidOptionError's code (`workforceCode`).
 */
export class WorkestratorOptionError extends AssertionError {
  override name = 'AssertionError';
  /** `code` stays AssertionError's 'ERR_ASSERTION' (what a Workestrator user's test may check); this is InvalidOptionError's. */
  readonly workforceCode = 'ERR_WORKFORCE_INVALID_OPTION';
  constructor(
    readonly option: string,
    readonly value: unknown,
    message: string,
  ) {
    super({ message, actual: value, operator: '==' });
  }
}
