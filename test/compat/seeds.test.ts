import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import {
  AsyncQueue,
  create,
  DynamicAsyncIterator,
  IterableInputSource,
  kill,
  MaxConcurrentCallsError,
  QueueFullError,
  serializers,
  WorkerCrashError,
  WorkerExitError,
  WorkerPool,
  WorkerTerminatedError,
  WorkPool,
} from 'workforce';
import { eventually, fixture } from '../helpers.js';

describe('Workestrator entry point', () => {
  it("create() builds a process farm with Workestrator's defaults", async () => {
    const farm = create({ module: fixture('workestrator-worker.cjs'), numberOfWorkers: 2 });
    try {
      assert.equal(farm.runtime, 'process');
      assert.equal(await farm.run(1, 2, 3), 6);
      assert.equal(await farm.runMethod('foo', 1, 2, 3), 'bar:1:2:3');
      const [ok, failed] = await farm.broadcastMethod('foo', 'a', 'b', 'c');
      assert.deepEqual(ok, ['bar:a:b:c', 'bar:a:b:c']);
      assert.deepEqual(failed, []);
      assert.ok(farm.workers.every((w) => typeof w.pid === 'number'));
    } finally {
      await farm.close();
    }
  });

  it('defaults to one worker per CPU', async () => {
    const farm = create({ module: fixture('workestrator-worker.cjs') });
    try {
      await eventually(() => farm.stats.workers === availableParallelism());
      await Promise.all(Array.from({ length: 5 }, () => farm.run(1, 1, 1)));
    } finally {
      await farm.close();
    }
  });

  it('serializers names and kill() of every farm', async () => {
    assert.equal(serializers.JSON, 'json');
    assert.equal(serializers.CBOR, 'cbor');
    const farm = create({ module: fixture('workestrator-worker.cjs'), numberOfWorkers: 1, serializerPath: serializers.CBOR });
    assert.equal(await farm.run(1, 2, 3), 6);
    const pids = farm.workers.map((w) => w.pid);
    await kill();
    assert.equal(farm.workers.length, 0);
    assert.ok(pids.length === 1);
    await assert.rejects(farm.run(1, 2, 3), { name: 'PoolClosedError' });
  });

  it('error class aliases', () => {
    assert.equal(MaxConcurrentCallsError, QueueFullError);
    assert.equal(WorkerTerminatedError, WorkerCrashError);
    assert.equal(WorkerExitError, WorkerCrashError);
  });
});

describe('@probedjs/work-pool entry point', () => {
  it('new WorkerPool(path) with addTask, onMessage, postMessageToWorkers, whenIdle, dispose', async () => {
    const pool = new WorkerPool<(arg: string) => string>(new URL('../fixtures/probed-worker.mjs', import.meta.url).href, { numberOfWorkers: 1 });
    const starting: string[] = [];
    const heard: unknown[] = [];
    pool.onMessage('starting', (content) => starting.push(content as string));
    pool.onMessage('heard', (content, origin) => heard.push([content, origin]));
    try {
      const result = await pool.addTask('World');
      assert.equal(result, 'Hello, World!');
      pool.postMessageToWorkers('hi', 'there');
      void pool.addTask('joe');
      await pool.whenIdle();
      await eventually(() => heard.length === 1);
      assert.deepEqual(starting, ['World', 'joe']);
      assert.deepEqual(heard, [['there', 1]]);
      const main = await pool.addTask('main', { workerAffinity: 'main' });
      assert.equal(main, 'Hello, main!');
    } finally {
      await pool.dispose();
    }
  });
});

describe('travetto names', () => {
  it('WorkPool, IterableInputSource and DynamicAsyncIterator (add with an array)', async () => {
    let n = 0;
    const pool = new WorkPool<number, number>(() => ({ id: ++n, active: true, execute: async (x: number) => x * 2, destroy() {} }), { max: 2 });
    try {
      const seen: number[] = [];
      pool.on('item', (_input, output) => seen.push(output as number));
      const summary = await pool.process(new IterableInputSource([1, 2, 3]));
      assert.equal(summary.completed, 3);
      const queue = new DynamicAsyncIterator<number>();
      const done = pool.process(queue);
      queue.add([4, 5]);
      queue.add(6);
      queue.close();
      assert.equal((await done).completed, 3);
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        [2, 4, 6, 8, 10, 12],
      );
      assert.ok(new AsyncQueue() instanceof AsyncQueue);
    } finally {
      await pool.shutdown();
    }
  });
});
