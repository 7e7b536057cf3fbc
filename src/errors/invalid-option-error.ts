import { WorkforceError } from './workforce-error.js';

/** An option passed to a pool, worker or channel has the wrong type or range, or is not an option at all. */
export class InvalidOptionError extends WorkforceError {
  override name = 'InvalidOptionError';
  override readonly code = 'ERR_WORKFORCE_INVALID_OPTION';
  /** For an unknown option: the nearest valid name, when one is close. */
  readonly suggestion: string | undefined;
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
    detail?: { message?: string; suggestion?: string },
  ) {
    super(detail?.message ?? `Invalid option "${option}": expected ${expected}, got ${describe(value)}`);
    this.suggestion = detail?.suggestion;
  }

  /**
   * `option` is not a name `where` knows; `suggestion` is the valid name it most likely meant, and
   * `hint` what the message says of it (default "did you mean '<suggestion>'?").
   */
  static unknown(option: string, value: unknown, where: string, suggestion: string | undefined, hint?: string): InvalidOptionError {
    hint ??= suggestion === undefined ? undefined : `did you mean '${suggestion}'?`;
    const message = `Unknown option '${option}' of ${where}${hint === undefined ? '' : ` — ${hint}`}`;
    return new InvalidOptionError(option, value, `an option of ${where}`, { message, suggestion });
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}
