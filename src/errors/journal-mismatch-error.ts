import { WorkforceError } from './workforce-error.js';

/** A `workforce run --resume` journal was written for another input, output or command: resuming from it would corrupt the output. */
export class JournalMismatchError extends WorkforceError {
  override name = 'JournalMismatchError';
  override readonly code = 'ERR_WORKFORCE_JOURNAL_MISMATCH';
  constructor(
    readonly journalPath: string,
    reason: string,
  ) {
    super(`Cannot resume from ${journalPath}: ${reason}`);
  }
}
