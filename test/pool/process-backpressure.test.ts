// WorkPool.process backpressure is pool-wide: min(maxWorkers × concurrency, maxConcurrentCalls)
// items pulled and unsettled at most, shared by every process() and direct submit() on the pool.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { AsyncQueue, WorkPool, type WorkPoolOptions } from 'workforcejs';
import { sleep } from '../helpers.js';

const pools: WorkPool<any, any>[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.kill();
});

/** In-memory workers that take `ms` per input and track how many run at once. */
function poolOf(options: WorkPoolOptions, ms = 10) {
  const seen = { running: 0, maxRunning: 0 };
  let ids = 0;
  const pool = new WorkPool<number, number>(
    () => ({
      id: ++ids,
      active: true,
      async execute(input: number) {
        seen.running++;
        seen.maxRunning = Math.max(seen.maxRunning, seen.running);
        await sleep(ms);
        seen.running--;
        return input;
      },
      destroy() {},
    }),
    options,
  );
  pools.push(pool);
  return { pool, seen };
}

/** An AsyncQueue of `count` items (closed) that tracks how many were pulled and not yet settled. */
function countingQueue(count: number, tally: { pulled: number; settled: number; maxHeld: number }) {
  class Counting extends AsyncQueue<number> {
    override async next(): Promise<IteratorResult<number>> {
      const result = await super.next();
      if (!result.done) tally.pulled++;
      tally.maxHeld = Math.max(tally.maxHeld, tally.pulled - tally.settled);
      return result;
    }
  }
  const queue = new Counting(Array.from({ length: count }, (_, i) => i));
  queue.close();
  return queue;
}

describe('process() backpressure across the pool', () => {
  test('maxConcurrentCalls below maxWorkers × concurrency: process() waits instead of getting QueueFullError', async () => {
    const { pool, seen } = poolOf({ maxWorkers: 4, minWorkers: 4, maxConcurrentCalls: 2 });
    const tally = { pulled: 0, settled: 0, maxHeld: 0 };
    const summary = await pool.process(countingQueue(8, tally), { onResult: () => tally.settled++ });
    assert.deepEqual(summary, { completed: 8, failed: 0, errors: [], stopped: false });
    assert.equal(tally.maxHeld, 2, 'never more than maxConcurrentCalls pulled and unsettled');
    assert.equal(seen.maxRunning, 2);
  });

  test('two process() calls on one pool share the bound', async () => {
    const { pool, seen } = poolOf({ maxWorkers: 2, minWorkers: 2 });
    const tally = { pulled: 0, settled: 0, maxHeld: 0 };
    const onResult = () => tally.settled++;
    const [a, b] = await Promise.all([pool.process(countingQueue(15, tally), { onResult }), pool.process(countingQueue(15, tally), { onResult })]);
    assert.equal(a.completed + b.completed, 30);
    assert.equal(tally.maxHeld, 2, 'two items pulled and unsettled at the peak, over both runs');
    assert.equal(seen.maxRunning, 2);
  });

  test('calls submitted directly count: process() pulls nothing while they fill the pool', async () => {
    const { pool } = poolOf({ maxWorkers: 2, minWorkers: 2 }, 60);
    const tally = { pulled: 0, settled: 0, maxHeld: 0 };
    const direct = [pool.submit(100), pool.submit(101)];
    const running = pool.process(countingQueue(3, tally), { onResult: () => tally.settled++ });
    await sleep(30);
    assert.equal(tally.pulled, 0, 'the two direct calls hold both slots');
    await Promise.all(direct);
    assert.equal((await running).completed, 3);
  });

  test('a process() waiting on an empty source holds no slot: submit() and other feeds run meanwhile', async () => {
    const { pool } = poolOf({ maxWorkers: 1, minWorkers: 1, maxConcurrentCalls: 1 });
    const idle = new AsyncQueue<number>();
    const waiting = pool.process(idle);
    await sleep(10);
    assert.equal(await pool.submit(1), 1, 'a direct call is not refused while the feed idles');
    assert.deepEqual(await pool.process([2, 3]), { completed: 2, failed: 0, errors: [], stopped: false }, 'another feed runs');
    idle.add(4);
    idle.close();
    assert.deepEqual(await waiting, { completed: 1, failed: 0, errors: [], stopped: false }, 'the idle feed still runs its item when it comes');
  });

  test('an item added just before close() is reported as not run, never dropped', async () => {
    const { pool } = poolOf({ maxWorkers: 1, minWorkers: 1 });
    const queue = new AsyncQueue<number>();
    const running = pool.process(queue);
    await sleep(10);
    queue.add(7);
    const closing = pool.close();
    const summary = await running;
    await closing;
    const accounted = summary.completed + summary.failed + queue.size;
    assert.equal(accounted, 1, `the item ran, was reported failed, or is still queued: ${JSON.stringify(summary)}`);
  });
});
