import { WorkforceError } from './workforce-error.js';

/**
 * Starting workers failed. `phase` says how, and every phase is one of these:
 * - 'module': the module is missing (at createPool) or does not load (syntax error, a throw at
 *   import): retrying cannot help, the pool fails at once;
 * - 'hook': its onWorkerStart threw;
 * - 'serializer': the serializer module is missing or does not load;
 * - 'start': a worker did not start — a StartTimeoutError (this class's subclass, its own code)
 *   when it took longer than startTimeout, or a crash while starting; retried with backoff;
 * - 'pool': the pool gave up after maxStartFailures consecutive failures (`cause`: the last one);
 *   every call then rejects with it.
 */
export class ModuleLoadError extends WorkforceError {
  override name = 'ModuleLoadError';
  override readonly code: string = 'ERR_WORKFORCE_MODULE_LOAD';
  /** How starting failed (see the class). */
  readonly phase: 'module' | 'hook' | 'serializer' | 'start' | 'pool';
  constructor(
    message: string,
    readonly modulePath?: string,
    options?: { cause?: unknown; phase?: ModuleLoadError['phase'] },
  ) {
    super(message, options);
    this.phase = options?.phase ?? 'module';
  }
}
