/** What `WorkPool.process()` reads from, and how any of those is read one item at a time. */
import { InvalidOptionError } from '../../errors/invalid-option-error.js';

/** Anything `WorkPool.process()` accepts. */
export type InputSource<T> =
  | readonly T[]
  | Iterable<T>
  | AsyncIterable<T>
  | Iterator<T>
  | AsyncIterator<T>
  | (() => Iterable<T> | AsyncIterable<T> | Iterator<T> | AsyncIterator<T>);

export function toAsyncIterator<T>(source: InputSource<T>): AsyncIterator<T> {
  let s: unknown = source;
  if (typeof s === 'function') s = (s as () => unknown)();
  if (s && typeof (s as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    return (s as AsyncIterable<T>)[Symbol.asyncIterator]();
  }
  if (s && typeof (s as Iterable<T>)[Symbol.iterator] === 'function') {
    return fromSync((s as Iterable<T>)[Symbol.iterator]());
  }
  if (s && typeof (s as Iterator<T>).next === 'function') {
    const it = s as Iterator<T> | AsyncIterator<T>;
    return { next: async () => it.next(), return: async (v?: unknown) => (it.return ? it.return(v as T) : { value: v, done: true }) } as AsyncIterator<T>;
  }
  throw new InvalidOptionError('source', source, 'an array, iterable, async iterable, iterator, generator function or AsyncQueue');
}

function fromSync<T>(it: Iterator<T>): AsyncIterator<T> {
  return {
    next: () => Promise.resolve(it.next()),
    return: (v?: unknown) => Promise.resolve(it.return ? it.return(v as T) : ({ value: v, done: true } as IteratorResult<T>)),
  };
}
