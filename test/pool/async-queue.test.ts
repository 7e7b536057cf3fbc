import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { AsyncQueue, ChannelClosedError, InvalidOptionError } from 'workforce';

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
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const queue = new AsyncQueue<number>();
      const result = queue.throw(new Error('producer failed'));
      await tick();
      await tick();
      assert.deepEqual(unhandled, []);
      assert.deepEqual(await result, { value: undefined, done: true });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('a subclass overriding next() still ends on return()', async () => {
    let pulls = 0;
    class Counting<T> extends AsyncQueue<T> {
      override async next(): Promise<IteratorResult<T>> {
        const result = await super.next();
        if (!result.done) pulls++;
        return result;
      }
    }
    const queue = new Counting<number>();
    const pending = queue.next();
    await queue.return();
    assert.deepEqual(await pending, { value: undefined, done: true });
    queue.add(7);
    assert.deepEqual(await queue.next(), { value: 7, done: false });
    assert.equal(pulls, 1);
  });
});
