import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, TaskAbortedError } from 'workforcejs';
import { eventually, fixture, pidAlive, processEventsDuring, RUNTIMES, sleep } from '../helpers.js';

const module = fixture('cancel-worker.mjs');

describe('cooperative cancellation', () => {
  for (const runtime of RUNTIMES) {
    it(`the task sees its signal and stops; its worker is kept (${runtime})`, async () => {
      const pool = createPool({ module, runtime, numberOfWorkers: 1, cancelGracePeriod: 2000 });
      const seen: unknown[] = [];
      pool.onMessage('saw-abort', (taskId) => seen.push(taskId));
      try {
        assert.equal(await pool.runMethod('plain', 1), 1);
        const [worker] = pool.workers;
        const controller = new AbortController();
        const call = pool.addTask(5000, { method: 'cooperative', signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        await assert.rejects(call, TaskAbortedError);
        await pool.whenIdle();
        assert.equal(await pool.runMethod('plain', 2), 2);
        assert.equal(seen.length, 1, 'the task saw workerContext.signal fire');
        assert.equal(pool.workers[0], worker, 'a task that stopped by itself keeps its worker');
      } finally {
        await pool.close();
      }
    });

    it(`a task that ignores its signal loses its worker after the grace period (${runtime})`, async () => {
      const pool = createPool({ module, runtime, numberOfWorkers: 1, cancelGracePeriod: 100 });
      try {
        assert.equal(await pool.runMethod('plain', 1), 1);
        const [worker] = pool.workers;
        const controller = new AbortController();
        const call = pool.addTask(60_000, { method: 'stubborn', signal: controller.signal });
        setTimeout(() => controller.abort(), 30);
        const began = Date.now();
        await assert.rejects(call, TaskAbortedError);
        assert.ok(Date.now() - began < 1000, 'the caller does not wait for the worker');
        assert.equal(await pool.runMethod('plain', 2), 2);
        assert.notEqual(pool.workers[0], worker, 'a fresh worker serves');
      } finally {
        await pool.close();
      }
    });
  }

  for (const runtime of RUNTIMES) {
    it(`whenIdle() waits until an aborted task that ignores its signal has let go of its worker (${runtime})`, async () => {
      const pool = createPool({ module, runtime, numberOfWorkers: 1, cancelGracePeriod: 5000 });
      try {
        assert.equal(await pool.runMethod('plain', 1), 1);
        const [worker] = pool.workers;
        const controller = new AbortController();
        const submitted = Date.now();
        const call = pool.addTask(800, { method: 'stubborn', signal: controller.signal });
        await sleep(30);
        controller.abort();
        await assert.rejects(call, TaskAbortedError);
        assert.equal(pool.stats.running, 1, 'the worker still runs the aborted call');
        await pool.whenIdle();
        // the call's 800 ms timer started in the worker after it was submitted
        const waited = Date.now() - submitted;
        assert.ok(waited >= 795, `whenIdle resolved ${waited} ms after the call was submitted, before it stopped`);
        assert.equal(pool.stats.running, 0);
        assert.equal(pool.workers[0], worker, 'the call ended within the grace period: its worker is kept');
      } finally {
        await pool.close();
      }
    });
  }

  it('after many aborts, abortable and plain tasks sharing workers keep flowing', async () => {
    const pool = createPool({ module, numberOfWorkers: 2, concurrency: 2, cancelGracePeriod: 200 });
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) => {
          if (i % 3 === 0) return pool.runMethod('plain', i);
          const controller = new AbortController();
          const call = pool.addTask(i % 2 ? 5 : 2000, { method: i % 5 ? 'cooperative' : 'stubborn', signal: controller.signal });
          setTimeout(() => controller.abort(), i % 7);
          return call;
        }),
      );
      const plain = outcomes.filter((_o, i) => i % 3 === 0);
      assert.ok(plain.every((o) => o.status === 'fulfilled'));
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof TaskAbortedError, String(o.reason));
      assert.deepEqual(await Promise.all([1, 2, 3].map((n) => pool.runMethod('plain', n))), [1, 2, 3]);
      assert.equal(pool.stats.queued, 0);
    } finally {
      await pool.close();
    }
  });

  for (const runtime of RUNTIMES) {
    it(`200 aborts on one worker shared with plain calls, then normal calls flow (${runtime})`, { timeout: 30_000 }, async () => {
      // a grace of 1 s: an aborted cooperative call stops well within it even on a loaded machine
      const pool = createPool({ module, runtime, numberOfWorkers: 1, concurrency: 2, cancelGracePeriod: 1000, execArgv: [], fork: { execArgv: [] } });
      let online = 0;
      pool.on('online', () => online++);
      try {
        assert.equal(await pool.runMethod('plain', -1), -1);
        // Phase 1: 200 cooperative tasks aborted (while queued, just started or running), each
        // followed by a plain call on the same worker.
        const aborted: Promise<unknown>[] = [];
        const plain: Promise<unknown>[] = [];
        for (let i = 0; i < 200; i++) {
          const controller = new AbortController();
          aborted.push(pool.addTask(5000, { method: 'cooperative', signal: controller.signal }));
          plain.push(pool.runMethod('plain', i));
          if (i % 4 === 0) controller.abort();
          else setTimeout(() => controller.abort(), i % 6);
        }
        const outcomes = await Promise.allSettled(aborted);
        assert.equal(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof TaskAbortedError).length, 200, 'all 200 aborted');
        assert.deepEqual(
          await Promise.all(plain),
          Array.from({ length: 200 }, (_, i) => i),
        );
        assert.equal(online, 1, 'one worker ran every abortable and plain call: none was replaced');
        // Phase 2: tasks that ignore their signal cost their worker, and the queue still flows.
        for (let i = 0; i < 3; i++) {
          const controller = new AbortController();
          const stuck = pool.addTask(60_000, { method: 'stubborn', signal: controller.signal });
          const after = pool.runMethod('plain', `after-${i}`);
          setTimeout(() => controller.abort(), 10);
          await assert.rejects(stuck, TaskAbortedError);
          assert.equal(await after, `after-${i}`);
        }
        const normal = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.runMethod('plain', i)));
        assert.equal(normal.length, 50);
        await pool.whenIdle();
        assert.equal(pool.stats.queued, 0);
        // whenIdle() waited for the last stubborn call until its worker was ended: nothing runs
        assert.equal(pool.stats.running, 0);
      } finally {
        await pool.close();
      }
    });

    it(`the worker is terminated only after cancelGracePeriod (default 1 s), on abort and on timeout (${runtime})`, async () => {
      const pool = createPool({ module, runtime, numberOfWorkers: 1, timeout: 300, maxRetries: 0, execArgv: [], fork: { execArgv: [] } });
      const exits: number[] = [];
      pool.on('exit', () => exits.push(performance.now()));
      try {
        assert.equal(await pool.runMethod('plain', 1), 1);
        for (const how of ['abort', 'timeout'] as const) {
          const [worker] = pool.workers;
          const controller = new AbortController();
          const call = pool.addTask(60_000, { method: 'stubborn', signal: controller.signal });
          const began = performance.now();
          if (how === 'abort') setTimeout(() => controller.abort(), 20);
          await assert.rejects(call, how === 'abort' ? TaskAbortedError : { name: 'TimeoutError' });
          const settled = performance.now();
          await sleep(600);
          assert.equal(exits.length, how === 'abort' ? 0 : 1, 'still within the grace period: the worker lives');
          assert.equal(worker.active, true);
          if (worker.pid !== undefined) assert.ok(pidAlive(worker.pid));
          await eventually(() => exits.length === (how === 'abort' ? 1 : 2), 3000);
          const waited = (exits.at(-1) as number) - settled;
          assert.ok(waited >= 950 && waited < 2500, `terminated ${Math.round(waited)} ms after the ${how} (${Math.round(settled - began)} ms in)`);
          assert.equal(worker.active, false);
          assert.equal(await pool.runMethod('plain', 2), 2, 'a fresh worker serves');
        }
      } finally {
        await pool.close();
      }
    });
  }

  it('kill() and close() under load never leave an unhandled rejection', async () => {
    const unhandled = await processEventsDuring('unhandledRejection', async () => {
      for (const runtime of RUNTIMES) {
        for (const [wait, end] of [
          [20, (p: ReturnType<typeof createPool>) => p.kill()],
          [300, (p: ReturnType<typeof createPool>) => p.kill()],
          [300, (p: ReturnType<typeof createPool>) => p.close({ force: true })],
        ] as const) {
          const pool = createPool({ module, runtime, numberOfWorkers: 2 });
          const settled = Promise.allSettled(Array.from({ length: 20 }, (_, i) => pool.runMethod('stubborn', 10 + i)));
          await new Promise((r) => setTimeout(r, wait));
          await end(pool);
          const results = await settled;
          for (const r of results) assert.ok(r.status === 'fulfilled' || r.reason.name === 'PoolClosedError', String(r));
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    });
    assert.deepEqual(unhandled, []);
  });
});
