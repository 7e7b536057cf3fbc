/** The onMessage listeners of a module pool, by message type, each isolated from the others. */
import { InvalidOptionError } from '../errors/invalid-option-error.js';

/** An onMessage listener: what a worker posted, and that worker's id. */
export type PoolMessageListener = (content: unknown, workerId: number | string) => unknown;

/**
 * The pool's `onMessage` listeners, by message type. A listener that throws (or returns a promise
 * that rejects) does not reach the worker's message handling, the other listeners or the host:
 * its error goes to the `failed` callback of `deliver`.
 */
export class MessageListeners {
  readonly #byType = new Map<unknown, Set<PoolMessageListener>>();

  /** Adds `listener` for `type`; returns the function that removes it. */
  add(type: unknown, listener: unknown): () => void {
    if (typeof listener !== 'function') throw new InvalidOptionError('listener', listener, 'a function (content, workerId) => …');
    let set = this.#byType.get(type);
    if (!set) this.#byType.set(type, (set = new Set()));
    const added = listener as PoolMessageListener;
    set.add(added);
    return () => set.delete(added);
  }

  /** Calls every listener of `type`, each on its own; `failed` gets what one throws or rejects with. */
  deliver(type: unknown, content: unknown, workerId: number | string, failed: (error: unknown) => void): void {
    for (const listener of this.#byType.get(type) ?? []) {
      try {
        const result = listener(content, workerId);
        if (isThenable(result)) result.then(undefined, failed);
      } catch (error) {
        failed(error);
      }
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
