/** travetto 4.x's WorkPoolResultError: the errors a WorkPool.run accumulated, raised once the run ended. */
import { WorkforceError } from '../../errors/workforce-error.js';

/** `WorkPool.run(...)` rejects with it when any item failed; `errors` lists each failure, in the order they happened; `cause` is the first (what travetto 5.x threw). */
export class WorkPoolResultError extends WorkforceError {
  override name = 'WorkPoolResultError';
  override readonly code = 'ERR_WORKFORCE_WORK_POOL_RESULT';
  constructor(readonly errors: unknown[]) {
    super(`${errors.length} item${errors.length === 1 ? '' : 's'} failed: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`, {
      cause: errors[0],
    });
  }
}
