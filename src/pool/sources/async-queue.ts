import { ChannelClosedError } from '../../errors/channel-closed-error.js';
import { InvalidOptionError } from '../../errors/invalid-option-error.js';

interface Waiter<T> {
  /** The consumer whose `next()` waits: its `return()` ends this waiter (and no other consumer's). */
  consumer: object;
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as IteratorResult<never>;

/**
 * An endless queue: producers `add(...items)` whenever they like; consumers iterate it with
 * `for await` (or hand it to `WorkPool.process`) and wait while it is empty, until `close()`
 * (or `fail(error)`). Items are buffered on the producer side; a pool pulls only what it can run
 * (backpressure).
 *
 * Consumers: every `[Symbol.asyncIterator]()` call (each `for await`, each `process()`) returns a
 * consumer of its own over the shared items. Each item goes to exactly one consumer — to the
 * waiting `next()` calls in the order they were made, across consumers. A consumer that stops
 * early (`break` out of `for await`, a `process()` that stops) calls its `return()`: its own
 * pending `next()` ends as done, its later `next()` calls are done, and it takes no item — the
 * other consumers go on waiting, the queue stays open, and the producer may go on adding.
 * `close()` and `fail(error)` end every consumer (once the buffered items are taken).
 *
 * The queue itself stays an iterator too (kept for code that calls `queue.next()` directly):
 * `queue.next()` takes for a default consumer, and `queue.return()` ends only that default
 * consumer's pending `next()` — unlike a consumer's, it does not end it for good (a later
 * `queue.next()` takes items again).
 *
 * A subclass that overrides `next()` sees every consumer's pulls: a consumer's `next()` calls the
 * queue's `next()`, and `super.next()` takes for that consumer — provided the override calls it
 * before its first `await` (a later call takes for the default consumer, which that consumer's
 * `return()` does not end).
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #waiters: Waiter<T>[] = [];
  #closed = false;
  #failure: { error: unknown } | undefined;
  /** The consumer for direct `queue.next()` calls. */
  readonly #default: object = {};
  /** The consumer whose `next()` is calling the queue's `next()` right now (set synchronously around that call). */
  #calling: object | undefined;

  constructor(initial: Iterable<T> = []) {
    if (typeof (initial as Partial<Iterable<T>> | null)?.[Symbol.iterator] !== 'function')
      throw new InvalidOptionError('initial', initial, 'an iterable of items');
    for (const item of initial) this.#items.push(item);
  }

  /** Items added and not yet taken. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** No more items can be added (after `close()` or `fail()`). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Adds items for the consumer (a waiting `next()` gets the first at once). Throws ChannelClosedError once the queue is closed. */
  add(...items: T[]): this {
    if (this.#closed) throw new ChannelClosedError('Cannot add to a closed AsyncQueue');
    for (const item of items) {
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve({ value: item, done: false });
      else this.#items.push(item);
    }
    return this;
  }

  /** No more items: every consumer finishes once the buffer is empty. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(DONE);
  }

  /**
   * No more items, and iteration ends with `error`: consumers take what is buffered, then their
   * `next()` rejects with it (a `WorkPool.process` over this queue rejects with it once its
   * in-flight items settled).
   */
  fail(error: unknown): void {
    if (this.#closed) return;
    this.#failure = { error };
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  /**
   * The iterator protocol's name of `fail(error)`. Resolves (done) rather than rejecting, so that
   * a producer calling it without awaiting does not raise an unhandled rejection.
   */
  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.fail(error);
    return Promise.resolve(DONE);
  }

  /** The next item, for the consumer calling (a direct call: the default consumer). */
  next(): Promise<IteratorResult<T>> {
    const consumer = this.#calling ?? this.#default;
    this.#calling = undefined;
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head] as T;
      this.#items[this.#head++] = undefined as T;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#closed) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.#waiters.push({ consumer, resolve, reject }));
  }

  /**
   * The default consumer stopped: its pending `next()` calls end as done, so none of them takes an
   * item added later. Other consumers' `next()` calls go on waiting; the queue is not closed
   * (`close()` ends it for good), and a later `queue.next()` takes items again.
   */
  return(): Promise<IteratorResult<T>> {
    this.#release(this.#default);
    return Promise.resolve(DONE);
  }

  /** A consumer of its own over the shared items (see the class comment). */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    let ended = false;
    const consumer: AsyncIterableIterator<T> = {
      next: () => {
        if (ended) return Promise.resolve(DONE);
        this.#calling = consumer;
        try {
          return this.next();
        } finally {
          this.#calling = undefined;
        }
      },
      return: () => {
        ended = true;
        this.#release(consumer);
        return Promise.resolve(DONE);
      },
      [Symbol.asyncIterator]: () => consumer,
    };
    return consumer;
  }

  /** Ends `consumer`'s pending `next()` calls as done; the other waiters keep their place. */
  #release(consumer: object): void {
    const kept: Waiter<T>[] = [];
    const released: Waiter<T>[] = [];
    for (const waiter of this.#waiters) (waiter.consumer === consumer ? released : kept).push(waiter);
    this.#waiters = kept;
    for (const waiter of released) waiter.resolve(DONE);
  }
}
