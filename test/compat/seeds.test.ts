import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { AsyncQueue, CallMaxRetryError, InvalidOptionError, QueueFullError, WorkerCrashError } from 'workforcejs';
import {
  create,
  DynamicAsyncIterator,
  IterableInputSource,
  kill,
  MaxConcurrentCallsError,
  serializers,
  WorkerExitError,
  WorkerPool,
  WorkerTerminatedError,
  WorkPool,
} from 'workforcejs/compat';
import { eventually, fixture, pidAlive } from '../helpers.js';

/** The class createPool makes (the root entry exports it as a type only). */
const ModulePool = Object.getPrototypeOf(WorkerPool.prototype).constructor as abstract new (...args: never[]) => object;

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

  it('error classes under the seed names: instanceof holds both ways', () => {
    assert.ok(new QueueFullError(1) instanceof MaxConcurrentCallsError);
    assert.ok(new MaxConcurrentCallsError(1) instanceof QueueFullError);
    assert.equal(new MaxConcurrentCallsError(1).name, 'MaxConcurrentCallsError');
    assert.ok(new WorkerCrashError('x') instanceof WorkerTerminatedError);
    assert.ok(new WorkerCrashError('x') instanceof WorkerExitError);
    assert.ok(new WorkerTerminatedError('x') instanceof WorkerCrashError);
    assert.equal(new WorkerTerminatedError('x').name, 'WorkerTerminatedError');
    assert.equal(new WorkerExitError('x').name, 'WorkerExitError');
    assert.ok(!(new QueueFullError(1) instanceof WorkerTerminatedError));
  });

  it("create()'s defaults at work: 10 calls per worker, 3 retries, killTimeout 500, JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'workforce-seeds-'));
    const farm = create({ module: fixture('workestrator-farm.cjs'), numberOfWorkers: 1 });
    try {
      assert.equal(farm.stats.perWorker.length, 1, "the engine's stats: the farm runs on createPool");
      const peaks = await Promise.all(Array.from({ length: 15 }, () => farm.runMethod<number>('track', 150)));
      assert.equal(Math.max(...peaks), 10, 'maxConcurrentCallsPerWorker 10');
      assert.equal(await farm.runMethod('echo', new Date(0)), '1970-01-01T00:00:00.000Z', 'JSON serializer: a Date arrives as its string');
      const file = join(dir, 'attempts');
      await assert.rejects(farm.runMethod('poison', file), (e: CallMaxRetryError) => {
        assert.ok(e instanceof CallMaxRetryError, String(e));
        assert.equal(e.attempts, 4, 'maxRetries 3');
        assert.ok(e.reason instanceof WorkerTerminatedError);
        assert.equal((e.reason as WorkerCrashError).exitCode, 9);
        return true;
      });
      assert.equal(await farm.runMethod('attempts', file), 4);
      const pid = await farm.runMethod<number>('pid');
      const began = performance.now();
      await farm.close(); // its onWorkerExit never returns: killed after killTimeout
      const took = performance.now() - began;
      assert.ok(took >= 450 && took < 2000, `close() took ${Math.round(took)} ms with the default killTimeout 500`);
      assert.equal(pidAlive(pid), false);
    } finally {
      await farm.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maxConcurrentCalls rejects with MaxConcurrentCallsError; a crash with maxRetries 0 is a WorkerTerminatedError', async () => {
    const farm = create({ module: fixture('workestrator-farm.cjs'), numberOfWorkers: 1, maxConcurrentCalls: 2, maxRetries: 0, killTimeout: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'workforce-seeds-'));
    try {
      const running = [farm.runMethod('track', 100), farm.runMethod('track', 100)];
      await assert.rejects(farm.runMethod('track', 1), MaxConcurrentCallsError);
      await Promise.all(running);
      await assert.rejects(farm.runMethod('poison', join(dir, 'n')), (e: WorkerCrashError) => {
        assert.ok(e instanceof WorkerTerminatedError, String(e));
        assert.equal(e.exitCode, 9);
        assert.equal(typeof e.pid, 'number');
        return true;
      });
    } finally {
      await farm.kill();
      rmSync(dir, { recursive: true, force: true });
    }
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

  it("a path relative to the working directory, like probedjs's new WorkerPool('MyWorker.js'); the same engine", async () => {
    const pool = new WorkerPool(relative(process.cwd(), fixture('probed-worker.mjs')), { numberOfWorkers: 1, execArgv: [] });
    try {
      assert.ok(pool instanceof ModulePool);
      assert.equal(pool.modulePath, fixture('probed-worker.mjs'));
      assert.equal(await pool.addTask('relative'), 'Hello, relative!');
      await pool.whenIdle();
      assert.equal(pool.stats.running + pool.stats.queued, 0);
    } finally {
      await pool.dispose();
    }
    assert.equal(pool.workers.length, 0, 'dispose() ended the workers');
  });

  it('null options mean the defaults (constructor) or none (addTask); other non-objects are an InvalidOptionError', async () => {
    const module = fixture('probed-worker.mjs');
    for (const options of [42, 'x', true]) {
      assert.throws(
        () => new WorkerPool(module, options as never),
        (e: unknown) => e instanceof InvalidOptionError && e.option === 'options',
      );
    }
    const pool = new WorkerPool(module, null);
    try {
      assert.equal(await pool.addTask('null', null), 'Hello, null!');
      await assert.rejects(pool.addTask('five', 5 as never), (e: unknown) => e instanceof InvalidOptionError && e.option === 'options');
      assert.equal(await pool.addTask('after'), 'Hello, after!');
    } finally {
      await pool.dispose();
    }
  });
});

describe('travetto names', () => {
  it("travetto v1's shape: a WorkPool subclass with an async factory, IterableInputSource over a DynamicAsyncIterator", async () => {
    // `active` is travetto's "still usable" flag (its pool destroys a worker that reports false)
    class Doubler {
      active = true;
      constructor(readonly id: number) {}
      async execute(n: number) {
        await new Promise((r) => setTimeout(r, 2));
        return n * 2;
      }
      async destroy() {
        this.active = false;
      }
    }
    let made = 0;
    class Compressor extends WorkPool<number, number, Doubler> {
      pending = new DynamicAsyncIterator<number>();
      constructor() {
        super(async () => new Doubler(++made), { max: 2 });
      }
      begin() {
        return this.process(new IterableInputSource(this.pending));
      }
      convert(...items: number[]) {
        this.pending.add(items);
      }
    }
    const pool = new Compressor();
    const out: number[] = [];
    pool.on('item', (_input, output) => out.push(output as number));
    try {
      const done = pool.begin();
      pool.convert(1, 2, 3);
      pool.convert(4);
      pool.pending.close();
      assert.equal((await done).completed, 4);
      assert.deepEqual(
        out.sort((a, b) => a - b),
        [2, 4, 6, 8],
      );
      assert.ok(made >= 1 && made <= 2);
    } finally {
      await pool.shutdown();
    }
  });

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
      assert.equal(Object.getPrototypeOf(DynamicAsyncIterator), AsyncQueue, 'DynamicAsyncIterator is AsyncQueue (add() also takes an array)');
      assert.ok(new DynamicAsyncIterator() instanceof AsyncQueue);
    } finally {
      await pool.shutdown();
    }
  });
});
