/** Workestrator's MaxConcurrentCallsError: a QueueFullError under the seed's name. */
import { QueueFullError } from '../../errors/queue-full-error.js';

/**
 * What a Workestrator farm rejects a call with past `maxConcurrentCalls`. It is a QueueFullError
 * (same code, same `maxConcurrentCalls` field); the farm raises it under the seed's name, and any
 * QueueFullError (a createPool call, say) also passes `instanceof MaxConcurrentCallsError`.
 */
export class MaxConcurrentCallsError extends QueueFullError {
  override name = 'MaxConcurrentCallsError';

  /** `instanceof` holds for the engine's error this seed name stands for, so code written against the seed keeps catching it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked about (a subclass keeps the ordinary check)
    return Function.prototype[Symbol.hasInstance].call(this === MaxConcurrentCallsError ? QueueFullError : this, value);
  }

  /** The seed-named copy of an engine QueueFullError. */
  static from(error: QueueFullError): MaxConcurrentCallsError {
    const copy = new MaxConcurrentCallsError(error.maxConcurrentCalls);
    copy.stack = error.stack?.replace(/^QueueFullError/, 'MaxConcurrentCallsError');
    return copy;
  }
}
