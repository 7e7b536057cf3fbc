/** The error of a worker that did not start in time. */
import { ModuleLoadError } from './module-load-error.js';

/**
 * A worker did not start within `startTimeout` ms (its module did not load and come online, or
 * its init() did not settle). A ModuleLoadError of phase 'start', so code that handles start
 * failures as a whole still does; counted in maxStartFailures (the pool then fails with a
 * ModuleLoadError of phase 'pool' whose cause is this error).
 */
export class StartTimeoutError extends ModuleLoadError {
  override name = 'StartTimeoutError';
  override readonly code: string = 'ERR_WORKFORCE_START_TIMEOUT';
  constructor(
    message: string,
    readonly timeout: number,
    modulePath?: string,
  ) {
    super(message, modulePath, { phase: 'start' });
  }
}
