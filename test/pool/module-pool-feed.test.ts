// ModulePool.process(): a source of items run through the module pool with backpressure, the
// outcomes carrying the source's own items (the `workforce run` command is built on it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncQueue, createPool, InvalidOptionError, type ItemResult } from 'workforcejs';
import { fixture, RUNTIMES, sleep } from '../helpers.js';

describe('ModulePool.process()', () => {
  it('runs each item with its arguments and reports outcomes and failures with the source items', async () => {
    const pool = createPool({ module: fixture('basic.mjs'), numberOfWorkers: 2, maxRetries: 0 });
    try {
      const items = [
        { n: 1, args: [1, 2, 3] },
        { n: 2, args: ['a', 'b', 'c'] },
      ];
      const seen: ItemResult<(typeof items)[number], unknown>[] = [];
      const summary = await pool.process(items, { args: (item) => item.args, onResult: (r) => seen.push(r) });
      assert.equal(summary.completed, 2);
      assert.deepEqual(seen.map((r) => [r.input.n, r.ok && r.value]).sort(), [
        [1, 6],
        [2, 'abc'],
      ]);
      const failing = await pool.process(['boom', 'bang'], { method: 'fail' });
      assert.equal(failing.failed, 2);
      assert.deepEqual(failing.errors.map((e) => [e.input, (e.error as Error).message]).sort(), [
        ['bang', 'bang'],
        ['boom', 'boom'],
      ]);
      const named = await pool.process([[5, 'x']], {
        method: 'sleep',
        args: (item) => item,
        onResult: (r) => assert.deepEqual(r, { input: [5, 'x'], ok: true, value: 'x' }),
      });
      assert.equal(named.completed, 1);
    } finally {
      await pool.close();
    }
  });

  it('pulls the source no further ahead than the workers can run', async () => {
    const pool = createPool({ module: fixture('basic.mjs'), numberOfWorkers: 2, concurrency: 2 });
    let pulled = 0;
    let settled = 0;
    let ahead = 0;
    function* source() {
      for (let i = 0; i < 40; i++) {
        pulled++;
        ahead = Math.max(ahead, pulled - settled);
        yield i;
      }
    }
    try {
      const summary = await pool.process(source, { method: 'sleep', args: (i) => [5, i], onResult: () => settled++ });
      assert.equal(summary.completed, 40);
      assert.ok(ahead <= 4, `pulled ${ahead} items ahead of the 4 the workers can run`);
      assert.ok(ahead >= 2, 'the workers ran items side by side');
    } finally {
      await pool.close();
    }
  });

  for (const runtime of RUNTIMES) {
    it(`sends short calls ahead, many to a message, instead of one round trip per item (${runtime})`, async () => {
      // One worker, concurrency 1: a feed held to the worker's one slot, or submitting each item
      // on its own, gives the worker one call per message.
      const pool = createPool({ module: fixture('message-counter.mjs'), runtime, numberOfWorkers: 1 });
      const items = 3000;
      let pulled = 0;
      let settled = 0;
      let ahead = 0;
      function* source() {
        for (let i = 0; i < items; i++) {
          pulled++;
          ahead = Math.max(ahead, pulled - settled);
          yield i;
        }
      }
      try {
        const summary = await pool.process(source, { onResult: () => settled++ });
        assert.equal(summary.completed, items);
        const messages = (await pool.runMethod('messageCount')) as number;
        assert.ok(ahead > 1, `the feed pulled past the worker's one slot while calls were short (${ahead} ahead)`);
        assert.ok(ahead <= 1 + 1024, `no further than the pipelining window (2 ms of calls, prefetch 1024 at most): ${ahead} ahead`);
        assert.ok(messages <= items / 4, `${items} calls reached the worker in ${messages} messages: not batched`);
      } finally {
        await pool.close();
      }
    });
  }

  it('a run stopped while its AsyncQueue is empty takes no item added later: the queue keeps it for its other consumers', async () => {
    const pool = createPool({ module: fixture('basic.mjs'), numberOfWorkers: 1 });
    const queue = new AsyncQueue<number>();
    const running = pool.process(queue);
    await sleep(50); // the run waits on the empty queue
    await pool.close();
    assert.equal((await running).stopped, true);
    queue.add(7);
    queue.close();
    const left: number[] = [];
    for await (const item of queue) left.push(item);
    assert.deepEqual(left, [7], 'the item went to the consumer still reading, not to the stopped run');
  });

  it('an args() that throws ends the run with its error, and the source is told to stop', async () => {
    const pool = createPool({ module: fixture('basic.mjs'), numberOfWorkers: 1 });
    let cleanedUp = false;
    function* source() {
      try {
        for (let i = 1; i <= 10; i++) yield i;
      } finally {
        cleanedUp = true;
      }
    }
    const bad = new RangeError('no arguments for 3');
    try {
      await assert.rejects(
        pool.process(source, {
          args: (i) => {
            if (i === 3) throw bad;
            return [i];
          },
        }),
        (error) => error === bad,
      );
      assert.equal(cleanedUp, true, "the source's finally block ran");
    } finally {
      await pool.close();
    }
  });

  it('refuses a method that is not a name', async () => {
    const pool = createPool({ module: fixture('basic.mjs'), numberOfWorkers: 1 });
    try {
      await assert.rejects(pool.process([1], { method: '' }), InvalidOptionError);
    } finally {
      await pool.close();
    }
  });
});
