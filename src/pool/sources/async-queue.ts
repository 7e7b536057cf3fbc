import { ChannelClosedError } from '../../errors/channel-closed-error.js';

/**
 * An endless queue: producers `add(...items)` whenever they like; consumers iterate it with
 * `for await` (or hand it to `WorkPool.process`) and wait while it is empty, until `close()`.
 * Items are buffered on the producer side; a pool pulls only what it can run (backpressure).
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #waiters: ((result: IteratorResult<T>) => void)[] = [];
  #failWaiters: ((error: unknown) => void)[] = [];
  #closed = false;
  #error: unknown;

  constructor(initial: Iterable<T> = []) {
    for (const item of initial) this.#items.push(item);
  }

  /** Items added and not yet taken. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  get closed(): boolean {
    return this.#closed;
  }

  add(...items: T[]): this {
    if (this.#closed) throw new ChannelClosedError('Cannot add to a closed AsyncQueue');
    for (const item of items) {
      const waiter = this.#waiters.shift();
      if (waiter) {
        this.#failWaiters.shift();
        waiter({ value: item, done: false });
      } else this.#items.push(item);
    }
    return this;
  }

  /** No more items: consumers finish once the buffer is empty. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter({ value: undefined, done: true });
    this.#failWaiters = [];
  }

  /** Ends iteration with an error. */
  throw(error: unknown): Promise<IteratorResult<T>> {
    this.#error = error;
    this.#closed = true;
    for (const fail of this.#failWaiters.splice(0)) fail(error);
    this.#waiters = [];
    return Promise.reject(error);
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
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiters.push(resolve);
      this.#failWaiters.push(reject);
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
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
