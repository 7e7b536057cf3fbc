import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AsyncQueue, type InputSource, type SpawnedWorker, WorkPool } from 'workforcejs';
import { DynamicAsyncIterator, IterableInputSource } from 'workforcejs/compat';
import { doubler, type FromChild, type ToChild } from '../fixtures/spawned-doubler.js';
import { eventually, pidAlive, sleep } from '../helpers.js';

const INPUTS = [1, 2, 3, 4, 5];
const DOUBLES = [2, 4, 6, 8, 10];

/** A pool of spawned doublers that remembers every child pid it started. */
function doublingPool(max: number, delay = 0, onExecute?: (input: unknown) => () => void, min = 1) {
  const pids = new Set<number>();
  const pool = new WorkPool<unknown, number, SpawnedWorker<unknown, number, ToChild, FromChild>>(
    () => {
      const worker = doubler({ delay, onExecute });
      pids.add(worker.pid!);
      return worker;
    },
    { maxWorkers: max, minWorkers: min },
  );
  return { pool, pids };
}

async function run(pool: WorkPool<unknown, number, any>, source: InputSource<unknown>) {
  const outputs: number[] = [];
  const summary = await pool.process(source, { onResult: (r) => r.ok && outputs.push(r.value) });
  return { summary, outputs: outputs.sort((a, b) => a - b) };
}

describe('WorkPool.process over spawned doublers: every source kind', () => {
  const { pool, pids } = doublingPool(2);
  after(async () => {
    await pool.close();
    for (const pid of pids) assert.equal(pidAlive(pid), false, `pid ${pid} is gone`);
  });

  const sources: [string, () => InputSource<unknown>][] = [
    ['an array', () => INPUTS],
    ['a Set (iterable)', () => new Set(INPUTS)],
    [
      'an async generator',
      () =>
        (async function* () {
          for (const i of INPUTS) {
            await sleep(1);
            yield i;
          }
        })(),
    ],
    [
      'a generator function',
      () =>
        function* () {
          yield* INPUTS;
        },
    ],
    ['an IterableInputSource', () => new IterableInputSource(INPUTS)],
    ['an iterator', () => INPUTS[Symbol.iterator]()],
  ];
  for (const [name, make] of sources) {
    test(name, async () => {
      const { summary, outputs } = await run(pool, make());
      assert.deepEqual(summary, { completed: 5, failed: 0, errors: [], stopped: false });
      assert.deepEqual(outputs, DOUBLES);
    });
  }

  test('an AsyncQueue fed later, then closed', async () => {
    const queue = new AsyncQueue<number>();
    let done = false;
    const running = run(pool, queue).finally(() => (done = true));
    await sleep(30);
    assert.equal(done, false, 'an open, empty queue keeps the run going');
    queue.add(1, 2);
    await sleep(30);
    queue.add(3, 4, 5);
    queue.close();
    const { summary, outputs } = await running;
    assert.equal(summary.completed, 5);
    assert.deepEqual(outputs, DOUBLES);
  });

  test('a DynamicAsyncIterator with add([...])', async () => {
    const source = new DynamicAsyncIterator<number>();
    const running = run(pool, new IterableInputSource(source));
    source.add([1, 2, 3]);
    source.add(4);
    setTimeout(() => {
      source.add([5]);
      source.close();
    }, 20);
    const { summary, outputs } = await running;
    assert.equal(summary.completed, 5);
    assert.deepEqual(outputs, DOUBLES);
  });

  test('per-item errors are reported without stopping the rest', async () => {
    const itemErrors: [unknown, string][] = [];
    const onItemError = (input: unknown, error: Error) => itemErrors.push([input, error.message]);
    pool.on('itemError', onItemError);
    try {
      const { summary, outputs } = await run(pool, [1, 'x', 3, 'y', 5]);
      assert.equal(summary.completed, 3);
      assert.equal(summary.failed, 2);
      assert.deepEqual(outputs, [2, 6, 10]);
      assert.deepEqual(summary.errors.map((e) => e.input).sort(), ['x', 'y']);
      for (const { error } of summary.errors) assert.match((error as Error).message, /^not a number: [xy]$/);
      assert.deepEqual(itemErrors.sort(), [
        ['x', 'not a number: x'],
        ['y', 'not a number: y'],
      ]);
    } finally {
      pool.off('itemError', onItemError);
    }
  });

  test('failFast rejects with the first error and stops pulling', async () => {
    let pulled = 0;
    const source = function* () {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i === 3 ? 'bad' : i;
      }
    };
    await assert.rejects(pool.process(source, { failFast: true }), /not a number: bad/);
    assert.ok(pulled < 100, `pulled ${pulled} of 100`);
  });
});

describe('WorkPool.process backpressure', () => {
  let pulled = 0;
  let finished = 0;
  let maxUnfinished = 0;
  let maxRunning = 0;
  let running = 0;
  // Both workers up front (min 2), so the bound, not worker start-up, limits what is in flight.
  const { pool, pids } = doublingPool(
    2,
    10,
    () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      maxUnfinished = Math.max(maxUnfinished, pulled - finished);
      return () => {
        running--;
        finished++;
      };
    },
    2,
  );
  let online = 0;
  pool.on('online', () => online++);
  before(() => eventually(() => online === 2));
  after(async () => {
    await pool.close();
    for (const pid of pids) assert.equal(pidAlive(pid), false, `pid ${pid} is gone`);
  });

  test('max 2 fed from an endless AsyncQueue never holds more than 2 pulled-but-unfinished items', async () => {
    class CountingQueue<T> extends AsyncQueue<T> {
      override async next(): Promise<IteratorResult<T>> {
        const result = await super.next();
        if (!result.done) pulled++;
        return result;
      }
    }
    const queue = new CountingQueue<number>();
    let produced = 0;
    // An endless producer: keeps the queue well ahead of the pool.
    const producer = setInterval(() => {
      while (queue.size < 20) queue.add(produced++);
    }, 2);
    const results: number[] = [];
    let waiting = 0;
    const processing = pool.process(queue, { onResult: (r) => r.ok && results.push(r.value) });
    try {
      while (results.length < 40) {
        await sleep(10);
        maxUnfinished = Math.max(maxUnfinished, pulled - finished);
      }
    } finally {
      clearInterval(producer);
      waiting = queue.size;
      queue.close();
    }
    assert.ok(waiting >= 10, `the queue stayed well ahead of the pool (${waiting} items waiting)`);
    const summary = await processing;
    assert.equal(summary.failed, 0);
    assert.equal(summary.completed, pulled);
    assert.equal(maxUnfinished, 2, 'two items in flight at the peak, never more');
    assert.equal(maxRunning, 2);
  });
});
