/** travetto's input sources: v1's IterableInputSource and DynamicAsyncIterator, v0's QueueExecutionSource. */
import { AsyncQueue } from '../pool/sources/async-queue.js';
import { type InputSource, toAsyncIterator } from '../pool/sources/input-source.js';

/**
 * travetto v1's input source: wraps an array, an Iterable, an AsyncIterable, an iterator or a
 * generator function, and hands items out one `next()` at a time. (`process()` takes all of
 * those directly.)
 */
export class IterableInputSource<T> implements AsyncIterable<T> {
  readonly #source: InputSource<T>;
  constructor(source: InputSource<T>) {
    this.#source = source;
  }
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return toAsyncIterator(this.#source);
  }
}

/** travetto v1's name of AsyncQueue. `add` takes one item or an array of items (flattened one level), as there. */
export class DynamicAsyncIterator<T> extends AsyncQueue<T> {
  override add(...items: (T | T[])[]): this {
    return super.add(...items.flatMap((i) => (Array.isArray(i) ? (i as T[]) : [i as T])));
  }
}

/** travetto v0's queue source: an AsyncQueue whose `enqueue(item)` adds one item. */
export class QueueExecutionSource<T> extends AsyncQueue<T> {
  enqueue(item: T): this {
    return this.add(item);
  }
}

/** travetto v0's name of what `process()` accepts: an array, an iterator or a queue. */
export type DataExecutionSource<T> = InputSource<T>;
