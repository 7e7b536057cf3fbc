// travetto's seeds as written: v0's ExecutionPool / QueueExecutionSource example and v1's
// ImageProcessor (whose `active` starts false). "convert images" is a short-lived node child.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { AsyncQueue, InvalidOptionError, type PoolWorker, type ProcessSummary } from 'workforcejs';
import { DynamicAsyncIterator, ExecutionPool, IterableInputSource, QueueExecutionSource, WorkPool } from 'workforcejs/compat';
import { eventually, pidAlive } from '../helpers.js';

/** The stand-in for `convert`: a child that lives 40 ms. Tracks how many run per owner at once. */
function converter() {
  const pids: number[] = [];
  const running = new Map<object, number>();
  let maxPerOwner = 0;
  return {
    pids,
    get maxPerOwner() {
      return maxPerOwner;
    },
    spawn(owner: object): ChildProcess {
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 40)'], { stdio: 'ignore' });
      pids.push(child.pid as number);
      running.set(owner, (running.get(owner) ?? 0) + 1);
      maxPerOwner = Math.max(maxPerOwner, running.get(owner) as number);
      child.once('exit', () => running.set(owner, (running.get(owner) as number) - 1));
      return child;
    },
  };
}

describe('travetto v0: ExecutionPool and QueueExecutionSource', () => {
  it("the seed's image-processing queue as written (active means busy; process() with a function and a borrowed executor)", async () => {
    const convert = converter();
    const converted: string[] = [];
    let kills = 0;

    class ImageProcessor {
      active = false;
      proc!: ChildProcess;

      kill() {
        kills++;
        this.proc.kill();
      }

      async convert(path: string) {
        this.active = true;
        try {
          this.proc = convert.spawn(this);
          await once(this.proc, 'exit');
          converted.push(path);
        } catch (_e) {}
        this.active = false;
      }
    }

    class ImageCompressor {
      pendingImages = new QueueExecutionSource<string>();

      pool = new ExecutionPool(async () => {
        return new ImageProcessor();
      });

      /** Kept by the test (the seed drops it) to check how the run ends. */
      running: Promise<ProcessSummary<string>>;

      constructor() {
        this.running = this.pool.process(this.pendingImages, async (inp, exe) => {
          exe.convert(inp);
        });
      }

      convert(...images: string[]) {
        for (const img of images) {
          this.pendingImages.enqueue(img);
        }
      }
    }

    const compressor = new ImageCompressor();
    try {
      compressor.convert('a.png', 'b.png', 'c.png', 'd.png');
      await eventually(() => converted.length === 4);
      assert.deepEqual(converted.sort(), ['a.png', 'b.png', 'c.png', 'd.png']);
      assert.equal(convert.maxPerOwner, 1, 'a busy executor (active) is not handed another image');
      const executors = compressor.pool.executors;
      assert.ok(executors.length >= 1 && executors.every((e) => e instanceof ImageProcessor));
      await compressor.pool.shutdown();
      assert.deepEqual(await compressor.running, { completed: 4, failed: 0, errors: [], stopped: true });
      assert.equal(kills, executors.length, 'destroy falls back to kill()');
      assert.equal(compressor.pendingImages.closed, false);
      for (const pid of convert.pids) assert.equal(pidAlive(pid), false);
    } finally {
      await compressor.pool.kill();
    }
  });

  it('an ExecutionPool is a WorkPool: failures, jobs with their own function, destroy() before kill()', async () => {
    const ended: string[] = [];
    let made = 0;
    const pool = new ExecutionPool(() => ({
      n: ++made,
      active: false,
      double: (x: number) => x * 2,
      destroy() {
        ended.push('destroy');
      },
      kill() {
        ended.push('kill');
      },
    }));
    try {
      assert.ok(pool instanceof WorkPool);
      const results: unknown[] = [];
      const summary = await pool.process(
        [1, 2, 3],
        (x, executor) => {
          if (x === 2) throw new Error('two');
          return executor.double(x);
        },
        { onResult: (r) => r.ok && results.push(r.value) },
      );
      assert.equal(summary.completed, 2);
      assert.deepEqual(
        summary.errors.map((e) => [e.input, (e.error as Error).message]),
        [[2, 'two']],
      );
      assert.deepEqual(
        results.sort((a, b) => (a as number) - (b as number)),
        [2, 6],
      );
      const jobs = await pool.process([{ input: 5, run: (x: number, executor: { double(x: number): number }) => executor.double(x) + 1 }]);
      assert.equal(jobs.completed, 1);
      assert.equal(await pool.submit({ input: 4, run: (x: number) => -x }), -4);
      assert.equal(made, pool.executors.length, 'an executor whose active flag is false is not replaced');
    } finally {
      await pool.shutdown();
    }
    assert.ok(ended.length >= 1 && ended.every((e) => e === 'destroy'));
  });

  it("an executor whose active flag stays true (travetto's own 'alive' meaning) is not waited for", async () => {
    const pool = new ExecutionPool(
      () => ({
        active: true,
        async work(x: number) {
          return x;
        },
      }),
      { max: 1 },
    );
    try {
      const summary = await Promise.race([
        pool.process([1, 2, 3], (x, executor) => executor.work(x)),
        new Promise((resolve) => setTimeout(() => resolve('still pending'), 1000)),
      ]);
      assert.deepEqual(summary, { completed: 3, failed: 0, errors: [], stopped: false });
    } finally {
      await pool.kill();
    }
  });

  it('WorkPool.process(source, fn) is refused with a pointer to ExecutionPool, before pulling anything', async () => {
    const pool = new WorkPool<number, number>(() => ({ id: 1, active: true, execute: (x: number) => x, destroy() {} }), { max: 1 });
    try {
      const queue = new QueueExecutionSource<number>([1]);
      await assert.rejects(pool.process(queue, (() => {}) as never), (e: InvalidOptionError) => {
        assert.ok(e instanceof InvalidOptionError);
        assert.match(e.message, /ExecutionPool/);
        return true;
      });
      assert.equal(queue.size, 1);
    } finally {
      await pool.shutdown();
    }
  });

  it('QueueExecutionSource is an AsyncQueue with enqueue(item)', async () => {
    const source = new QueueExecutionSource<number>([1]);
    assert.ok(source instanceof AsyncQueue);
    source.enqueue(2).enqueue(3);
    source.close();
    const items: number[] = [];
    for await (const item of source) items.push(item);
    assert.deepEqual(items, [1, 2, 3]);
  });
});

describe('travetto v1', () => {
  it("the seed's ImageProcessor with active = false until its first execute", async () => {
    const convert = converter();
    const started: string[] = [];

    class ImageProcessor implements PoolWorker<string> {
      active = false;
      proc!: { process: ChildProcess };

      get id() {
        return this.proc.process.pid as number;
      }

      async destroy() {
        this.proc.process.kill();
      }

      async execute(path: string) {
        this.active = true;
        try {
          this.proc = { process: convert.spawn(this) };
          started.push(path);
          await once(this.proc.process, 'exit');
        } catch (_e) {}
        this.active = false;
      }
    }

    class ImageCompressor extends WorkPool<string, void, ImageProcessor> {
      pendingImages = new DynamicAsyncIterator<string>();

      constructor() {
        super(async () => new ImageProcessor());
      }

      begin() {
        return this.process(new IterableInputSource(this.pendingImages));
      }

      convert(...images: string[]) {
        this.pendingImages.add(images);
      }
    }

    const compressor = new ImageCompressor();
    try {
      const done = compressor.begin();
      compressor.convert('a.png', 'b.png', 'c.png');
      compressor.pendingImages.close();
      const summary = await done;
      assert.deepEqual(summary, { completed: 3, failed: 0, errors: [], stopped: false });
      assert.deepEqual(started.sort(), ['a.png', 'b.png', 'c.png']);
      await compressor.shutdown();
      for (const pid of convert.pids) assert.equal(pidAlive(pid), false);
    } finally {
      await compressor.kill();
    }
  });
});
