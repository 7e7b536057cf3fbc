import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { createPool, TaskAbortedError } from 'workforce';
import { fixture, RUNTIMES } from '../helpers.js';

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
      const plain = outcomes.filter((o, i) => i % 3 === 0);
      assert.ok(plain.every((o) => o.status === 'fulfilled'));
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof TaskAbortedError, String(o.reason));
      assert.deepEqual(await Promise.all([1, 2, 3].map((n) => pool.runMethod('plain', n))), [1, 2, 3]);
      assert.equal(pool.stats.queued, 0);
    } finally {
      await pool.close();
    }
  });

  it('kill() and close() under load never leave an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
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
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('debugging', () => {
  it('process workers of a parent under --inspect get their own inspector port', () => {
    const run = spawnSync(process.execPath, ['--inspect=0', fixture('inspect-parent.mjs')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), '[6,15]');
    assert.doesNotMatch(run.stderr, /EADDRINUSE|address already in use/i);
    const listening = run.stderr.match(/Debugger listening on/g) ?? [];
    assert.equal(listening.length, 3, `the parent and each of 2 workers listen: ${run.stderr}`);
  });
});
