/** travetto's input sources: v1's InputSource (hasNext/next) and IterableInputSource, DynamicAsyncIterator, v0's QueueExecutionSource and IteratorExecutionSource. */
import { AsyncQueue } from '../pool/sources/async-queue.js';
import { type InputSource, toAsyncIterator } from '../pool/sources/input-source.js';

/** travetto v1's InputSource: anything with `hasNext()` and `next()` (each may return a promise). */
export interface TravettoInputSource<T> {
  /** Whether another item comes. */
  hasNext(): boolean | Promise<boolean>;
  /** The next item. */
  next(): T | Promise<T>;
}

/** A v1 InputSource (and not an iterator, whose `next()` returns `{ value, done }`). */
export function isTravettoInputSource<T>(source: unknown): source is TravettoInputSource<T> {
  return (
    source !== null &&
    typeof source === 'object' &&
    typeof (source as TravettoInputSource<T>).hasNext === 'function' &&
    typeof (source as TravettoInputSource<T>).next === 'function'
  );
}

/** A v1 InputSource read as an async iterator, as the engine's process() reads its sources. */
export function fromTravettoInputSource<T>(source: TravettoInputSource<T>, onReturn?: () => Promise<unknown>): AsyncIterator<T> {
  return {
    next: async () => ((await source.hasNext()) ? { done: false, value: await source.next() } : { done: true, value: undefined }),
    return: async () => {
      await onReturn?.();
      return { done: true, value: undefined };
    },
  };
}

/**
 * travetto v1's input source: wraps an array, an Iterable, an AsyncIterable, an iterator, a
 * generator function or an event source (DynamicAsyncIterator) and hands items out with
 * `hasNext()` / `next()`, as v1's InputSource did; `process()` also reads it as an async iterable.
 * Single use, like the iterator under it.
 */
export class IterableInputSource<T> implements AsyncIterable<T>, TravettoInputSource<T> {
  readonly #source: InputSource<T>;
  #iterator: AsyncIterator<T> | undefined;
  #peeked: IteratorResult<T> | undefined;

  constructor(source: InputSource<T>) {
    this.#source = source;
  }

  /** Whether another item comes (waits for it, for an async or event source). */
  async hasNext(): Promise<boolean> {
    this.#iterator ??= toAsyncIterator(this.#source);
    this.#peeked ??= await this.#iterator.next();
    return this.#peeked.done !== true;
  }

  /** The next item; once the source is exhausted, a RangeError. */
  async next(): Promise<T> {
    if (!(await this.hasNext())) throw new RangeError('IterableInputSource: no more items (hasNext() is false)');
    const { value } = this.#peeked as IteratorResult<T>;
    this.#peeked = undefined;
    return value;
  }

  /** Reads the source as an async iterator (what `process()` does). */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return fromTravettoInputSource(this, async () => this.#iterator?.return?.());
  }
}

/** travetto v0's iterator source: an IterableInputSource over an iterator or generator. */
export class IteratorExecutionSource<T> extends IterableInputSource<T> {}

/** travetto v1's name of AsyncQueue. `add` takes one item or an array of items (flattened one level), as there. */
export class DynamicAsyncIterator<T> extends AsyncQueue<T> {
  override add(...items: (T | T[])[]): this {
    return super.add(...items.flatMap((i) => (Array.isArray(i) ? (i as T[]) : [i as T])));
  }
}

/** travetto v0's queue source: an AsyncQueue whose `enqueue(item)` adds one item. */
export class QueueExecutionSource<T> extends AsyncQueue<T> {
  /** Adds one item (v0's name of `add`). */
  enqueue(item: T): this {
    return this.add(item);
  }
}

/** travetto v0's name of what `process()` accepts: an array, an iterator or a queue. */
export type DataExecutionSource<T> = InputSource<T>;
