// WorkPool.process: when and how it stops pulling — failFast, the pool closing, a failing
// source, a throwing callback — and that it settles only after the items it submitted settled.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { AsyncQueue, PoolClosedError, type WorkPool } from 'workforcejs';
import { eventually, processEventsDuring, sleep } from '../helpers.js';
import { killMemoryPools, memoryPool, stateAfter } from './memory-pools.js';

afterEach(killMemoryPools);

/** Unhandled rejections while `body` runs, and for 20 ms after. */
const watchUnhandled = (body: () => Promise<void>) =>
  processEventsDuring('unhandledRejection', async () => {
    await body();
    await sleep(20);
  });

describe('process() with failFast', () => {
  test('on an open AsyncQueue: rejects once the failure and in-flight items settled, without waiting for another item', async () => {
    const { pool, ran } = memoryPool(2);
    const queue = new AsyncQueue<unknown>();
    const running = pool.process(queue, { failFast: true });
    queue.add(30, 'bad');
    assert.equal(await stateAfter(running, 150), 'rejected: bad item');
    assert.equal(queue.closed, false, "the caller's queue is left open");
    queue.add(3);
    assert.equal(queue.size, 1, 'the item added after the failure waits in the queue (the abandoned next() took nothing)');
    await sleep(30);
    assert.deepEqual(new Set(ran), new Set([30, 'bad']), 'only the two items pulled before the failure ran (both at once)');
  });

  test('rejects with the first error only after every in-flight item settled', async () => {
    const { pool, log } = memoryPool(2);
    await assert.rejects(
      pool.process([120, 'bad', 1, 2, 3], { failFast: true }).finally(() => log.push('process settled')),
      /bad item/,
    );
    assert.deepEqual(log, ['done bad', 'done 120', 'process settled'], 'nothing pulled after the failure ran');
  });

  test('an async source waiting in next() is not awaited, and the item it yields later is not run', async () => {
    const { pool, ran } = memoryPool(2);
    let finished = false;
    async function* source() {
      try {
        yield 'bad';
        await sleep(300);
        yield 1;
      } finally {
        finished = true;
      }
    }
    const began = performance.now();
    await assert.rejects(pool.process(source(), { failFast: true }), /bad item/);
    assert.ok(performance.now() - began < 200, 'settled before the source yielded again');
    await sleep(400);
    assert.deepEqual(ran, ['bad']);
    assert.equal(finished, true, 'the generator was told to return (its finally ran)');
  });
});

describe('process() when the pool stops', () => {
  for (const how of ['close', 'kill'] as const) {
    test(`${how}() during a process() on an open AsyncQueue: it stops pulling and resolves with stopped: true`, async () => {
      const { pool, ran, log } = memoryPool(2);
      const queue = new AsyncQueue<number>();
      const running = pool.process(queue);
      queue.add(1, 2);
      await eventually(() => log.length === 2); // both items ran and finished
      await pool[how]();
      const summary = await Promise.race([running, sleep(200).then(() => 'still pending')]);
      assert.deepEqual(summary, { completed: 2, failed: 0, errors: [], stopped: true });
      assert.equal(queue.closed, false, 'the producer may keep using its queue');
      queue.add(3, 4);
      assert.equal(queue.size, 2, 'nothing pulled after the pool stopped');
      assert.deepEqual([...ran].sort(), [1, 2]);
    });
  }

  test('items still running when kill() comes fail with PoolClosedError; the run still resolves', async () => {
    const { pool, ran } = memoryPool(2);
    const queue = new AsyncQueue<number>([1000, 1000]);
    const running = pool.process(queue);
    await eventually(() => ran.length === 2); // both items running
    await pool.kill();
    const summary = await running;
    assert.equal(summary.stopped, true);
    assert.equal(summary.completed, 0);
    assert.deepEqual(
      summary.errors.map((e) => (e.error as Error).name),
      ['PoolClosedError', 'PoolClosedError'],
    );
  });

  test('close() during an array run: the in-flight items finish, the rest is not pulled', async () => {
    const { pool } = memoryPool(1);
    let pulled = 0;
    const source = function* () {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield 50;
      }
    };
    const running = pool.process(source);
    await eventually(() => pulled >= 2);
    await pool.close();
    const summary = await running;
    assert.equal(summary.stopped, true);
    assert.equal(summary.failed, 0, 'no item was submitted to the closed pool');
    assert.equal(summary.completed, pulled);
    assert.ok(pulled < 10, `pulled ${pulled}`);
  });

  test('an item the source yields after the pool stopped is not submitted', async () => {
    const { pool, ran } = memoryPool(1);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* source() {
      yield 1;
      await gate;
      yield 2;
    }
    const running = pool.process(source());
    await eventually(() => ran.length === 1);
    const closed = pool.close();
    const summary = await running;
    await closed;
    release(); // the source yields its next item only now, after the pool stopped
    await sleep(50);
    assert.deepEqual(summary, { completed: 1, failed: 0, errors: [], stopped: true });
    assert.deepEqual(ran, [1]);
  });

  test('process() on a closed pool rejects with PoolClosedError and leaves the source alone', async () => {
    const { pool } = memoryPool(1);
    await pool.close();
    let called = false;
    await assert.rejects(
      pool.process(function* () {
        called = true;
        yield 1;
      }),
      PoolClosedError,
    );
    assert.equal(called, false);
  });

  test('a source that ended before the pool stopped: stopped is false', async () => {
    const { pool } = memoryPool(2);
    const running = pool.process([60]);
    await sleep(20);
    await pool.close();
    assert.deepEqual(await running, { completed: 1, failed: 0, errors: [], stopped: false });
  });
});

describe('process() over a failing source', () => {
  test('a source whose next() throws: rejects with its error after the pulled items settled', async () => {
    const { pool, log } = memoryPool(3);
    function* source() {
      yield 60;
      yield 61;
      throw new Error('source broke');
    }
    await pool.process(source).catch((e: Error) => log.push(`rejected: ${e.message}`));
    assert.deepEqual(log, ['done 60', 'done 61', 'rejected: source broke']);
  });

  test('AsyncQueue.fail(error) (or throw) ends the run with that error after in-flight items; nothing unhandled', async () => {
    const unhandled = await watchUnhandled(async () => {
      const { pool, log } = memoryPool(2);
      const queue = new AsyncQueue<number>();
      const running = pool.process(queue).catch((e: Error) => log.push(`rejected: ${e.message}`));
      queue.add(60);
      await sleep(10);
      queue.throw(new Error('producer failed'));
      await running;
      assert.deepEqual(log, ['done 60', 'rejected: producer failed']);
    });
    assert.deepEqual(unhandled, []);
  });
});

describe('process() with a throwing callback', () => {
  const throwers = {
    onResult: (_pool: WorkPool<any, any>, error: Error) => ({ onResult: (r: { input: unknown }) => r.input === 2 && throwOf(error) }),
    item: (pool: WorkPool<any, any>, error: Error) => {
      pool.on('item', (input) => input === 2 && throwOf(error));
      return {};
    },
    itemError: (pool: WorkPool<any, any>, error: Error) => {
      pool.on('itemError', (input) => input === 'bad' && throwOf(error));
      return {};
    },
  };
  for (const [name, attach] of Object.entries(throwers)) {
    test(`a throwing ${name}: no unhandled rejection; process() stops pulling and rejects with it after in-flight items`, async () => {
      let outcome = '';
      const unhandled = await watchUnhandled(async () => {
        const { pool, ran, log } = memoryPool(2);
        const bug = new Error('listener bug');
        // 40 runs while the second item settles and its callback throws
        const inputs = [40, name === 'itemError' ? 'bad' : 2, 5, 6, 7, 8, 9, 10];
        await pool.process(inputs, attach(pool, bug)).then(
          () => (outcome = 'resolved'),
          (e: Error) => (outcome = `rejected: ${e.message}`),
        );
        assert.ok(log.includes('done 40'), 'the in-flight item settled first');
        assert.ok(ran.length < inputs.length, `stopped pulling (ran ${ran.length})`);
      });
      assert.equal(outcome, 'rejected: listener bug');
      assert.deepEqual(unhandled, []);
    });
  }
});

function throwOf(error: Error): never {
  throw error;
}

describe('process() options', () => {
  test('onResult that is not a function, or a non-boolean failFast: InvalidOptionError, nothing pulled', async () => {
    const { pool, ran } = memoryPool(1);
    let pulled = 0;
    const source = function* () {
      pulled++;
      yield 1;
    };
    for (const options of [{ onResult: 'x' }, { failFast: 'yes' }]) {
      await assert.rejects(pool.process(source, options as never), (e: Error) => e.name === 'InvalidOptionError');
    }
    assert.equal(pulled, 0);
    assert.deepEqual(ran, []);
    assert.deepEqual(await pool.process([2]), { completed: 1, failed: 0, errors: [], stopped: false });
  });
});
