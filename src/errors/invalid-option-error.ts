import { WorkforceError } from './workforce-error.js';

/** An option passed to a pool, worker or channel has the wrong type or range. */
export class InvalidOptionError extends WorkforceError {
  override name = 'InvalidOptionError';
  override readonly code = 'ERR_WORKFORCE_INVALID_OPTION';
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`Invalid option "${option}": expected ${expected}, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}
