// The module-pool contract on every runtime (thread, process, inline): pool options that shape the workers: size, concurrency, maxConcurrentCalls, workerData, env.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueueFullError } from 'workforcejs';
import { sleep } from '../../helpers.js';
import { identity, type Who, workerIdentity } from '../pools.js';
import { forEachRuntime, type Where } from './matrix.js';

forEachRuntime(({ runtime, pool }) => {
  describe(`module pool (${runtime}): options`, () => {
    it('numberOfWorkers sets the pool size', async () => {
      const p = pool({ numberOfWorkers: 2 });
      const online: number[] = [];
      p.on('online', (worker: { id: number }) => online.push(worker.id));
      try {
        await p.broadcast(0, 0, 0);
        assert.deepEqual(online.sort(), [1, 2], "an 'online' event per worker");
        assert.equal(p.workers.length, 2);
        assert.equal(p.stats.workers, 2);
        assert.deepEqual(p.workers.map((w) => w.id).sort(), [1, 2]);
        assert.equal(new Set(p.workers.map((w) => workerIdentity(runtime, w))).size, 2);
      } finally {
        await p.close();
      }
      const one = pool({ numberOfWorkers: 1 });
      try {
        const who = await Promise.all(Array.from({ length: 6 }, () => one.runMethod<Who>('whoami')));
        assert.deepEqual(new Set(who.map((w) => identity(runtime, w))).size, 1, 'one worker serves every call');
        assert.equal(one.workers.length, 1);
      } finally {
        await one.close();
      }
    });

    it('concurrency: 3 lets one worker run three calls at once', async () => {
      const p = pool({ numberOfWorkers: 1, concurrency: 3 });
      try {
        const peaks = await Promise.all([p.runMethod('track', 200), p.runMethod('track', 200), p.runMethod('track', 200)]);
        assert.equal(await p.runMethod('peak'), 3, 'three calls overlapped inside the worker');
        assert.equal(Math.max(...(peaks as number[])), 3);
      } finally {
        await p.close();
      }
    });

    it('concurrency defaults to 1 call per worker', async () => {
      const p = pool({ numberOfWorkers: 1 });
      try {
        await Promise.all([p.runMethod('track', 50), p.runMethod('track', 50), p.runMethod('track', 50)]);
        assert.equal(await p.runMethod('peak'), 1);
      } finally {
        await p.close();
      }
    });

    it('maxConcurrentCalls: beyond it calls reject with QueueFullError, then the pool serves again; stats count it all', async () => {
      const p = pool({ numberOfWorkers: 1, maxConcurrentCalls: 2 });
      try {
        // while the worker starts
        const a = p.runMethod('sleep', 150, 'a');
        const b = p.runMethod('sleep', 10, 'b');
        await assert.rejects(p.runMethod('sleep', 10, 'c'), (e: QueueFullError) => {
          assert.ok(e instanceof QueueFullError);
          assert.equal(e.maxConcurrentCalls, 2);
          return true;
        });
        await assert.rejects(p.addTask({ kind: 'count', id: 'x' }, { method: 'task' }), QueueFullError);
        assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
        assert.equal(await p.run(1, 2, 3), 6);
        assert.deepEqual(await Promise.all([p.run(1, 1, 1), p.run(2, 2, 2)]), [3, 6]);
        // once it is online: one call running, one queued
        const c = p.runMethod('sleep', 600, 'c');
        const d = p.runMethod('sleep', 1, 'd');
        await sleep(30);
        assert.equal(p.stats.running, 1);
        assert.equal(p.stats.queued, 1);
        await assert.rejects(p.run(1, 1, 1), QueueFullError);
        assert.deepEqual(await Promise.all([c, d]), ['c', 'd']);
        assert.equal(await p.run(1, 2, 3), 6);
        await assert.rejects(p.runMethod('fail', 'x'));
        const s = p.stats;
        assert.equal(s.completed, 8);
        assert.equal(s.failed, 1, 'the thrown error (a call refused with QueueFullError never became a task)');
        assert.equal(s.workers, 1);
        assert.equal(s.running + s.queued, 0);
      } finally {
        await p.close();
      }
    });

    it('workerData reaches workerContext.workerData and ctx.workerData', async () => {
      const workerData = { name: 'wd', list: [1, 2, 3], when: new Date(5), nested: { deep: true } };
      const p = pool({ workerData });
      try {
        const seen = await p.runMethod<typeof workerData>('data');
        assert.deepEqual(seen, workerData);
        assert.deepEqual((await p.runMethod<Where>('whoami')).workerData, workerData);
        const info = await p.addTask<{ workerData: typeof workerData }>({ kind: 'ctx' }, { method: 'task' });
        assert.deepEqual(info.workerData, workerData);
      } finally {
        await p.close();
      }
    });

    // Inline workers run in this process: they have its environment, there is no other to give.
    if (runtime !== 'inline') {
      it('env sets the environment of the workers; by default they inherit the parent environment', async () => {
        assert.equal(process.env.MP_WORKER_ENV, undefined);
        const p = pool({ env: { MP_WORKER_ENV: 'from-option' } });
        try {
          assert.equal(await p.runMethod('env', 'MP_WORKER_ENV'), 'from-option');
          assert.equal(await p.runMethod('env', 'PATH'), undefined, 'only the given environment');
        } finally {
          await p.close();
        }
        process.env.MP_WORKER_PARENT = 'inherited';
        const q = pool();
        try {
          assert.equal(await q.runMethod('env', 'MP_WORKER_PARENT'), 'inherited', 'default: the parent environment');
        } finally {
          delete process.env.MP_WORKER_PARENT;
          await q.close();
        }
      });
    }
  });
});
