import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { AsyncQueue, ChannelClosedError, InvalidOptionError } from 'workforcejs';
import { processEventsDuring } from '../helpers.js';

/** An AsyncQueue subclass overriding next(), as user code may: it counts the items pulled. */
class Counting<T> extends AsyncQueue<T> {
  pulls = 0;
  override async next(): Promise<IteratorResult<T>> {
    const result = await super.next();
    if (!result.done) this.pulls++;
    return result;
  }
}

describe('AsyncQueue', () => {
  test('initial items must be iterable: anything else is an InvalidOptionError', () => {
    for (const initial of [5, null, {}, true]) {
      assert.throws(
        () => new AsyncQueue(initial as never),
        (e: unknown) => e instanceof InvalidOptionError && e.option === 'initial',
        String(initial),
      );
    }
    assert.equal(new AsyncQueue().size, 0);
    assert.equal(new AsyncQueue(undefined).size, 0);
    assert.equal(new AsyncQueue(new Set([1, 2])).size, 2);
  });

  test('return() ends a pending next() as done without closing the queue; the next item is not swallowed', async () => {
    const queue = new AsyncQueue<number>();
    const abandoned = queue.next();
    assert.deepEqual(await queue.return(), { value: undefined, done: true });
    assert.deepEqual(await abandoned, { value: undefined, done: true });
    assert.equal(queue.closed, false);
    queue.add(1);
    assert.equal(queue.size, 1, 'the item waits in the buffer, not in the abandoned next()');
    assert.deepEqual(await queue.next(), { value: 1, done: false });
  });

  test('breaking out of for await leaves the queue open for the producer and a later consumer', async () => {
    const queue = new AsyncQueue<number>([1, 2]);
    for await (const item of queue) {
      assert.equal(item, 1);
      break;
    }
    assert.equal(queue.closed, false);
    queue.add(3);
    queue.close();
    const rest: number[] = [];
    for await (const item of queue) rest.push(item);
    assert.deepEqual(rest, [2, 3]);
  });

  test('close() ends it for good: pending next() is done, add() throws ChannelClosedError', async () => {
    const queue = new AsyncQueue<number>();
    const pending = queue.next();
    queue.close();
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.throws(() => queue.add(1), ChannelClosedError);
    assert.deepEqual(await queue.next(), { value: undefined, done: true });
  });

  for (const method of ['fail', 'throw'] as const) {
    test(`${method}(error): buffered items first, then next() rejects with it; add() throws`, async () => {
      const queue = new AsyncQueue<number>();
      const waiting = queue.next();
      const error = new Error('producer failed');
      queue[method](error);
      await assert.rejects(waiting, error);
      const later = new AsyncQueue<number>([1]);
      later[method](error);
      assert.deepEqual(await later.next(), { value: 1, done: false });
      await assert.rejects(later.next(), error);
      await assert.rejects(later.next(), error);
      assert.equal(later.closed, true);
      assert.throws(() => later.add(2), ChannelClosedError);
    });
  }

  test('throw(error) called without awaiting raises no unhandled rejection', async () => {
    let result: Promise<IteratorResult<number>> | undefined;
    const unhandled = await processEventsDuring('unhandledRejection', async () => {
      const queue = new AsyncQueue<number>();
      result = queue.throw(new Error('producer failed'));
      await tick();
      await tick();
    });
    assert.deepEqual(unhandled, []);
    assert.deepEqual(await result, { value: undefined, done: true });
  });

  test('a subclass overriding next() still ends on return()', async () => {
    const queue = new Counting<number>();
    const pending = queue.next();
    await queue.return();
    assert.deepEqual(await pending, { value: undefined, done: true });
    queue.add(7);
    assert.deepEqual(await queue.next(), { value: 7, done: false });
    assert.equal(queue.pulls, 1);
  });
});

describe('AsyncQueue consumers: each [Symbol.asyncIterator]() is a consumer of its own', () => {
  const DONE = { value: undefined, done: true };
  const consumers = <T>(queue: AsyncQueue<T>, count: number) => Array.from({ length: count }, () => queue[Symbol.asyncIterator]());

  test('consumers share the items: each item goes to one consumer, in the order their next() calls wait', async () => {
    const queue = new AsyncQueue<number>();
    const [a, b] = consumers(queue, 2);
    assert.notEqual(a, b);
    assert.equal(a[Symbol.asyncIterator](), a, 'a consumer is itself iterable');
    const waiting = [a.next(), b.next(), a.next()];
    queue.add(1, 2, 3, 4);
    assert.deepEqual(
      await Promise.all(waiting),
      [1, 2, 3].map((value) => ({ value, done: false })),
    );
    assert.deepEqual(await b.next(), { value: 4, done: false });
    assert.equal(queue.size, 0);
  });

  test("one consumer's return() ends only its own pending next(): the others still wait, and no item is swallowed", async () => {
    const queue = new AsyncQueue<number>();
    const [a, b] = consumers(queue, 2);
    const abandoned = [a.next(), a.next()];
    const waiting = b.next();
    assert.deepEqual(await a.return?.(), DONE);
    assert.deepEqual(await Promise.all(abandoned), [DONE, DONE]);
    queue.add(1);
    assert.deepEqual(await waiting, { value: 1, done: false }, 'the other consumer gets the item added right after');
    queue.add(2);
    assert.equal(queue.size, 1, 'the ended consumer took nothing');
    assert.deepEqual(await a.next(), DONE, 'next() after return() is done');
    assert.equal(queue.size, 1);
    assert.deepEqual(await b.next(), { value: 2, done: false });
    assert.equal(queue.closed, false);
  });

  test('return() with no pending next(), and return() twice: the consumer is done, the items stay for the others', async () => {
    const queue = new AsyncQueue<number>([1]);
    const [a, b] = consumers(queue, 2);
    assert.deepEqual(await a.return?.(), DONE);
    assert.deepEqual(await a.return?.(), DONE);
    assert.deepEqual(await a.next(), DONE);
    assert.equal(queue.size, 1);
    assert.deepEqual(await b.next(), { value: 1, done: false });
    queue.add(2);
    assert.deepEqual(await a.next(), DONE);
    assert.deepEqual(await queue.next(), { value: 2, done: false }, 'the default consumer (queue.next()) takes too');
  });

  test("queue.return() ends only the default consumer's pending next(), and not for good", async () => {
    const queue = new AsyncQueue<number>();
    const [a] = consumers(queue, 1);
    const direct = queue.next();
    const waiting = a.next();
    await queue.return();
    assert.deepEqual(await direct, DONE);
    queue.add(1, 2);
    assert.deepEqual(await waiting, { value: 1, done: false });
    assert.deepEqual(await queue.next(), { value: 2, done: false });
  });

  test('close() ends every consumer once the items added are taken; an ended consumer stays done', async () => {
    const queue = new AsyncQueue<number>();
    const [a, b, c] = consumers(queue, 3);
    const pending = [a.next(), b.next(), c.next()];
    await c.return?.();
    queue.add(1, 2, 3, 4);
    assert.deepEqual(await Promise.all(pending), [{ value: 1, done: false }, { value: 2, done: false }, DONE]);
    queue.close();
    assert.deepEqual(await b.next(), { value: 3, done: false }, 'buffered items are drained after close()');
    assert.deepEqual(await a.next(), { value: 4, done: false });
    for (const consumer of [a, b, c]) assert.deepEqual(await consumer.next(), DONE);

    const other = new AsyncQueue<number>();
    const [d, e, f] = consumers(other, 3);
    const waiting = [d.next(), e.next(), f.next()];
    await f.return?.();
    other.add(1);
    other.close();
    assert.deepEqual(await Promise.all(waiting), [{ value: 1, done: false }, DONE, DONE], 'every waiting next() ends at close()');
  });

  test('fail(error) rejects every consumer once the items added are taken', async () => {
    const error = new Error('producer failed');
    const queue = new AsyncQueue<number>();
    const [a, b, c] = consumers(queue, 3);
    const first = a.next();
    const waiting = b.next();
    const ended = c.next();
    await c.return?.();
    queue.add(1);
    assert.deepEqual(await first, { value: 1, done: false });
    const second = a.next();
    queue.fail(error);
    await assert.rejects(waiting, error);
    await assert.rejects(second, error);
    await assert.rejects(a.next(), error);
    await assert.rejects(b.next(), error);
    assert.deepEqual(await ended, DONE);
    assert.deepEqual(await c.next(), DONE, 'a consumer that ended before stays done');

    const buffered = new AsyncQueue<number>([1]);
    const [d, e] = consumers(buffered, 2);
    buffered.fail(error);
    assert.deepEqual(await e.next(), { value: 1, done: false });
    await assert.rejects(d.next(), error);
    await assert.rejects(e.next(), error);
  });

  test('two for await loops over one queue: one breaks, the other still gets every later item', async () => {
    const queue = new AsyncQueue<number>();
    const first: number[] = [];
    const second: number[] = [];
    let broke = false;
    const breaking = (async () => {
      for await (const item of queue) {
        first.push(item);
        if (first.length === 2) break;
      }
    })().finally(() => (broke = true));
    const staying = (async () => {
      for await (const item of queue) second.push(item);
    })();
    let produced = 0;
    while (!broke) {
      queue.add(++produced);
      await tick();
    }
    await breaking;
    const before = produced;
    for (let i = 0; i < 5; i++) {
      queue.add(++produced);
      await tick();
    }
    queue.add(++produced, ++produced);
    queue.close();
    await staying;
    assert.equal(first.length, 2);
    assert.ok(second.length > 0, 'both loops took items before the break');
    const all = Array.from({ length: produced }, (_, i) => i + 1);
    assert.deepEqual(
      [...first, ...second].sort((x, y) => x - y),
      all,
      'every item once, across both',
    );
    assert.deepEqual(
      second.filter((item) => item > before),
      all.slice(before),
      'the other loop got every item added after the break',
    );
  });

  test('a subclass overriding next() sees the pulls of every consumer; each consumer gets its own items', async () => {
    const queue = new Counting<number>();
    const [a, b] = consumers(queue, 2);
    const abandoned = a.next();
    const waiting = b.next();
    await a.return?.();
    assert.deepEqual(await abandoned, DONE);
    queue.add(1);
    assert.deepEqual(await waiting, { value: 1, done: false });
    assert.equal(queue.pulls, 1);
  });
});
