import { WorkforceError } from './workforce-error.js';

/** The worker module could not be found or loaded, or the pool gave up starting workers. */
export class ModuleLoadError extends WorkforceError {
  override name = 'ModuleLoadError';
  override readonly code = 'ERR_WORKFORCE_MODULE_LOAD';
  /**
   * Where starting failed: 'module' (not found, syntax error: retrying cannot help, the pool
   * fails at once), 'hook' (onWorkerStart threw), 'serializer', 'start' (timeout, crash at
   * start: retried with backoff up to maxStartFailures) or 'pool' (the pool gave up).
   */
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
