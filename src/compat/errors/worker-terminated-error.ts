/** Workestrator's WorkerTerminatedError: a WorkerCrashError under the seed's name. */
import { WorkerCrashError } from '../../errors/worker-crash-error.js';

/**
 * What a Workestrator farm rejects a call with when the worker running it ended (Workestrator
 * raised it for every call of a worker that exited; the farm then retried it). It is a
 * WorkerCrashError (same code and fields: workerId, exitCode, signal, pid); any WorkerCrashError
 * also passes `instanceof WorkerTerminatedError`.
 */
export class WorkerTerminatedError extends WorkerCrashError {
  override name = 'WorkerTerminatedError';

  /** `instanceof` holds for the engine's error this seed name stands for, so code written against the seed keeps catching it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked about (a subclass keeps the ordinary check)
    return Function.prototype[Symbol.hasInstance].call(this === WorkerTerminatedError ? WorkerCrashError : this, value);
  }

  /** The seed-named copy of an engine WorkerCrashError. */
  static from(error: WorkerCrashError): WorkerTerminatedError {
    const { workerId, taskId, exitCode, signal, pid } = error;
    const copy = new WorkerTerminatedError(error.message, { workerId, taskId, exitCode, signal, pid, cause: error.cause });
    copy.stack = error.stack?.replace(/^WorkerCrashError/, 'WorkerTerminatedError');
    return copy;
  }
}
