import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallMaxRetryError, createPool, type ModulePool, PoolClosedError, TaskAbortedError, WorkerCrashError } from 'workforcejs';
import { eventually, fixture, RUNTIMES } from '../helpers.js';

const module = fixture('pipe-worker.mjs');

/**
 * Short calls until the pool sends calls ahead: the window opens once the mean call is under
 * 1 ms, which on a loaded machine can take more than one batch.
 */
async function openWindow(pool: ModulePool): Promise<void> {
  for (let round = 0; round < 40; round++) {
    const batch = Array.from({ length: 50 }, (_, i) => pool.run(i));
    const open = pool.stats.sentAhead > 0;
    await Promise.all(batch);
    if (open) return;
  }
  assert.fail('the pipelining window did not open after 2000 short calls');
}

/**
 * A pool whose worker runs a long call with `ahead` short calls sent ahead behind it. `setup` starts
 * them (every promise it returns gets a handler); they go ahead only while the window is open, and a
 * loaded machine can push the mean call past 1 ms between openWindow and setup. Then the pool is
 * killed and made again (at most 5 times): the tests using this are about calls sent ahead.
 */
async function withCallsAhead<T extends Promise<unknown>[]>(
  make: () => ModulePool,
  setup: (pool: ModulePool) => T,
  ahead: number,
): Promise<{ pool: ModulePool; calls: T }> {
  for (let tries = 1; ; tries++) {
    const pool = make();
    try {
      await openWindow(pool);
      const calls = setup(pool);
      for (const c of calls) c.catch(() => {});
      // sent ahead (or not) as they were made: the check needs no wait
      if (pool.stats.sentAhead === ahead) return { pool, calls };
      assert.ok(tries < 5, `${pool.stats.sentAhead} calls sent ahead, not ${ahead}, in 5 tries`);
    } catch (error) {
      await pool.kill();
      throw error;
    }
    await pool.kill();
  }
}

/** Both workers online: calls placed on a worker still starting would be stolen by the ready one. */
const bothReady = (pool: ModulePool) => eventually(() => pool.stats.perWorker.filter((w) => w.state === 'ready').length === 2, 15_000);

describe('pipelining short calls', () => {
  for (const runtime of RUNTIMES) {
    it(`calls sent ahead still run at most \`concurrency\` at once in the worker (${runtime})`, async () => {
      const pool = createPool({ module, runtime, numberOfWorkers: 1, concurrency: 2 });
      try {
        const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => pool.run(i)));
        assert.deepEqual(results.slice(0, 5), [0, 1, 2, 3, 4]);
        assert.equal(results.length, 2000);
        await Promise.all(Array.from({ length: 6 }, () => pool.runMethod('sleepy', 20)));
        assert.equal(await pool.runMethod('peakConcurrency'), 2);
      } finally {
        await pool.close();
      }
    });

    it(`a crash charges an attempt only to the calls that may have started (${runtime})`, async () => {
      // maxRetries 1: the poison call crashes two workers. Calls merely queued in those workers
      // are not charged, so all 40 innocent calls succeed even though they were in flight twice.
      const pool = createPool({ module, runtime, numberOfWorkers: 1, maxRetries: 1 });
      try {
        await openWindow(pool);
        const before = Array.from({ length: 20 }, (_, i) => pool.run(i));
        const crash = pool.runMethod('poison');
        const after = Array.from({ length: 20 }, (_, i) => pool.run(100 + i));
        const settled = await Promise.allSettled([...before, crash, ...after]);
        const rejected = settled.filter((s) => s.status === 'rejected');
        assert.equal(rejected.length, 1, `only the poison call fails: ${rejected.map((r) => (r as PromiseRejectedResult).reason.message).join(' / ')}`);
        const reason = (rejected[0] as PromiseRejectedResult).reason;
        assert.ok(reason instanceof CallMaxRetryError);
        assert.ok(reason.reason instanceof WorkerCrashError);
        assert.equal((reason.reason as WorkerCrashError).exitCode, 7);
        assert.deepEqual(
          settled.slice(21).map((s) => (s as PromiseFulfilledResult<number>).value),
          Array.from({ length: 20 }, (_, i) => 100 + i),
        );
      } finally {
        await pool.close();
      }
    });
  }

  it('long calls are not sent ahead (a second worker gets the next one)', async () => {
    const pool = createPool({ module, numberOfWorkers: 2, prefetch: 32 });
    try {
      await bothReady(pool);
      await Promise.all([pool.runMethod('sleepy', 30), pool.runMethod('sleepy', 30)]);
      const stats = pool.stats;
      assert.equal(stats.perWorker.length, 2);
      await Promise.all(Array.from({ length: 8 }, () => pool.runMethod('sleepy', 30)));
      const counts = pool.stats.perWorker.map((w) => w.completed);
      assert.equal(counts[0] + counts[1], 10);
      assert.ok(Math.min(...counts) >= 3, `30 ms calls are spread, not sent ahead to one worker: ${counts}`);
    } finally {
      await pool.close();
    }
  });

  for (const runtime of RUNTIMES) {
    it(`close({ force }) takes back calls sent ahead but not started: they reject with PoolClosedError (${runtime})`, async () => {
      const { pool, calls } = await withCallsAhead(
        () => createPool({ module, runtime, numberOfWorkers: 1 }),
        (pool) => [pool.runMethod('sleepy', 300), ...Array.from({ length: 5 }, (_, i) => pool.run(i))],
        5,
      );
      const [running, ...ahead] = calls;
      try {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const stats = pool.stats;
        assert.equal(stats.sentAhead, 5, 'the five short calls were sent ahead to the busy worker');
        assert.equal(stats.queued, 5, 'calls sent ahead count as queued');
        assert.equal(stats.running, 1);
        await pool.close({ force: true });
        assert.equal(await running, 300, 'the started call finished');
        for (const p of ahead) await assert.rejects(p, PoolClosedError);
        assert.equal(pool.workers.length, 0);
      } finally {
        await pool.kill();
      }
    });
  }

  it('long calls right after many short ones (window open) still spread over both workers', async () => {
    const pool = createPool({ module, numberOfWorkers: 2 });
    try {
      await bothReady(pool);
      await Promise.all(Array.from({ length: 2000 }, (_, i) => pool.run(i))); // both windows open
      const before = pool.stats.perWorker.map((w) => w.completed);
      await Promise.all(Array.from({ length: 8 }, () => pool.runMethod('sleepy', 20)));
      const split = pool.stats.perWorker.map((w, i) => w.completed - before[i]);
      assert.deepEqual(split, [4, 4], `8 equal calls on 2 workers: ${split}`);
    } finally {
      await pool.close();
    }
  });

  for (const runtime of RUNTIMES) {
    it(`aborting calls sent ahead frees their slots at once, not when the running call ends (${runtime})`, async () => {
      let controllers: AbortController[] = [];
      const { pool, calls } = await withCallsAhead(
        () => createPool({ module, runtime, numberOfWorkers: 1 }),
        (pool) => {
          controllers = Array.from({ length: 5 }, () => new AbortController());
          return [pool.runMethod('sleepy', 400), ...controllers.map((c, i) => pool.addTask(i, { signal: c.signal }))];
        },
        5,
      );
      const [running, ...ahead] = calls;
      try {
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(pool.stats.sentAhead, 5);
        for (const c of controllers) c.abort('no longer needed');
        for (const p of ahead) await assert.rejects(p, TaskAbortedError);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const stats = pool.stats;
        assert.deepEqual([stats.running, stats.sentAhead, stats.queued], [1, 0, 0], 'only the running call holds a slot');
        assert.equal(await running, 400);
        assert.equal(await pool.run(7), 7);
      } finally {
        await pool.close();
      }
    });
  }

  it('calls aborted while sent ahead leave stats.queued at once, before the blocked worker acknowledges', async () => {
    let controllers: AbortController[] = [];
    const { pool, calls } = await withCallsAhead(
      () => createPool({ module, numberOfWorkers: 1 }),
      (pool) => {
        controllers = Array.from({ length: 4 }, () => new AbortController());
        return [pool.runMethod('spin', 300), ...controllers.map((c, i) => pool.addTask(i, { signal: c.signal }))];
      },
      4,
    );
    const [blocked, ...ahead] = calls;
    try {
      assert.deepEqual([pool.stats.queued, pool.stats.sentAhead, pool.stats.running], [4, 4, 1]);
      controllers[0].abort();
      controllers[2].abort();
      await assert.rejects(ahead[0], TaskAbortedError);
      const stats = pool.stats;
      assert.deepEqual([stats.queued, stats.sentAhead, stats.running], [2, 2, 1], 'the two aborted calls are neither queued nor running');
      assert.deepEqual(
        stats.perWorker.map((w) => [w.queued, w.sentAhead, w.running]),
        [[2, 2, 1]],
      );
      assert.equal(await blocked, 300);
      assert.deepEqual(await Promise.all([ahead[1], ahead[3]]), [1, 3]);
      assert.deepEqual([pool.stats.queued, pool.stats.running], [0, 0]);
    } finally {
      await pool.close();
    }
  });

  it('prefetch 0 disables pipelining', async () => {
    const pool = createPool({ module, numberOfWorkers: 1, prefetch: 0 });
    try {
      assert.equal((await Promise.all(Array.from({ length: 100 }, (_, i) => pool.run(i)))).length, 100);
      assert.throws(() => createPool({ module, prefetch: -1 }), { name: 'InvalidOptionError' });
    } finally {
      await pool.close();
    }
  });
});
