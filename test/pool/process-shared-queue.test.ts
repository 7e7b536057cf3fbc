// Two process() calls consuming one AsyncQueue (two pools, or two runs on one pool): when one
// stops — failFast on a bad item, or its pool closed — the other keeps consuming the items added
// afterwards, and every item added runs exactly once across them.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { AsyncQueue } from 'workforcejs';
import { eventually, sleep } from '../helpers.js';
import { killMemoryPools, memoryPool, stateAfter } from './memory-pools.js';

afterEach(killMemoryPools);

/** Every input any worker ran, in order. */
let ran: unknown[] = [];
afterEach(() => {
  ran = [];
});

/** A pool of `max` in-memory workers (see memoryPool) recording into `ran`. */
const poolOf = (max: number, ms = 10) => memoryPool(max, ms, ran).pool;

/** An AsyncQueue that counts the next() calls of all its consumers (to know when a run waits in one). */
class WatchedQueue<T> extends AsyncQueue<T> {
  calls = 0;
  override next(): Promise<IteratorResult<T>> {
    this.calls++;
    return super.next();
  }
}

/** Adds `items` a few at a time while the runs consume them. */
async function feed(queue: AsyncQueue<unknown>, items: unknown[]) {
  for (let i = 0; i < items.length; i += 3) {
    queue.add(...items.slice(i, i + 3));
    await sleep(5);
  }
}

const LATER = Array.from({ length: 12 }, (_, i) => i + 1);

describe('two process() calls on one AsyncQueue', () => {
  for (const layout of ['two pools', 'one pool'] as const) {
    test(`${layout}: one stops on failFast, the other runs every item added afterwards and resolves at close()`, async () => {
      const first = poolOf(2);
      const second = layout === 'two pools' ? poolOf(2) : first;
      const queue = new WatchedQueue<unknown>();
      const stopping = first.process(queue, { failFast: true });
      stopping.catch(() => {});
      await eventually(() => queue.calls === 1); // the first run waits in next()
      const staying = second.process(queue);
      await eventually(() => queue.calls === 2); // the second run waits too, behind it
      queue.add('bad'); // to the first waiting next(): the failFast run's
      await assert.rejects(stopping, /bad item/);
      queue.add(0); // right after the stop: the stopped run's abandoned next() must not swallow it
      assert.equal(await stateAfter(staying, 30), 'pending', 'the other run still waits on the open queue');
      await feed(queue, LATER);
      assert.equal(await stateAfter(staying, 30), 'pending');
      queue.close();
      const summary = await staying;
      assert.deepEqual(summary, { completed: 13, failed: 0, errors: [], stopped: false });
      assert.deepEqual(
        [...ran].sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true })),
        [0, ...LATER, 'bad'],
        'every item ran exactly once',
      );
      assert.equal(queue.size, 0);
    });
  }

  test("two pools: one's pool is closed, the other goes on with the items added afterwards; none lost, none twice", async () => {
    const first = poolOf(2);
    const second = poolOf(2);
    const queue = new AsyncQueue<number>();
    const stopping = first.process(queue);
    const staying = second.process(queue);
    const before = [101, 102, 103, 104, 105, 106];
    await feed(queue, before);
    await eventually(() => ran.length === before.length && queue.size === 0);
    await first.close();
    const stopped = await stopping;
    assert.equal(stopped.stopped, true);
    assert.equal(await stateAfter(staying, 30), 'pending', 'the other run still waits on the open queue');
    await feed(queue, LATER);
    queue.close();
    const summary = await staying;
    assert.equal(summary.stopped, false);
    assert.equal(summary.failed + stopped.failed, 0);
    assert.equal(stopped.completed + summary.completed, before.length + LATER.length, 'every item ran once');
    assert.deepEqual(
      [...ran].sort((a, b) => (a as number) - (b as number)),
      [...LATER, ...before],
      'none lost, none twice',
    );
    assert.equal(queue.size, 0);
  });
});
