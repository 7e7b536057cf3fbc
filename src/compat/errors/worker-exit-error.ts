/** An older workforce compat name of WorkerCrashError, kept so `instanceof WorkerExitError` still works. */
import { WorkerCrashError } from '../../errors/worker-crash-error.js';

/** Any WorkerCrashError passes `instanceof WorkerExitError`; one made under this name carries it. */
export class WorkerExitError extends WorkerCrashError {
  override name = 'WorkerExitError';

  /** `instanceof` holds for the engine's error this seed name stands for, so code written against the seed keeps catching it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked about (a subclass keeps the ordinary check)
    return Function.prototype[Symbol.hasInstance].call(this === WorkerExitError ? WorkerCrashError : this, value);
  }
}
