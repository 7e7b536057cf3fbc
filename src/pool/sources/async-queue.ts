import { ChannelClosedError } from '../../errors/channel-closed-error.js';
import { InvalidOptionError } from '../../errors/invalid-option-error.js';

interface Waiter<T> {
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
 * A consumer that stops early (`break` out of `for await`, a `process()` that stops) calls
 * `return()`: its pending `next()` ends as done, but the queue stays open, so the producer may go
 * on adding and another consumer may take the items later.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #waiters: Waiter<T>[] = [];
  #closed = false;
  #failure: { error: unknown } | undefined;

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

  add(...items: T[]): this {
    if (this.#closed) throw new ChannelClosedError('Cannot add to a closed AsyncQueue');
    for (const item of items) {
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve({ value: item, done: false });
      else this.#items.push(item);
    }
    return this;
  }

  /** No more items: consumers finish once the buffer is empty. */
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

  next(): Promise<IteratorResult<T>> {
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
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * A consumer stopped: every pending `next()` ends as done, so none of them takes an item added
   * later. The queue is not closed (`close()` ends it for good).
   */
  return(): Promise<IteratorResult<T>> {
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(DONE);
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * travetto v1's name. `add` takes one item or an array of items (flattened one level), as there.
 */
export class DynamicAsyncIterator<T> extends AsyncQueue<T> {
  override add(...items: (T | T[])[]): this {
    return super.add(...items.flatMap((i) => (Array.isArray(i) ? (i as T[]) : [i as T])));
  }
}
