// The module-pool contract on every runtime (thread, process, inline): pool lifecycle: whenIdle, close, close({ force }), kill, and the stats along the way.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PoolClosedError } from 'workforcejs';
import { pidAlive, sleep } from '../../helpers.js';
import { pids } from '../pools.js';
import { forEachRuntime } from './matrix.js';

forEachRuntime(({ runtime, pool }) => {
  describe(`module pool (${runtime}): lifecycle`, () => {
    it('whenIdle resolves once every call has settled', async () => {
      const p = pool({ numberOfWorkers: 2 });
      try {
        await p.whenIdle(); // nothing submitted yet: resolves
        const done: string[] = [];
        for (const v of ['a', 'b', 'c', 'd']) void p.runMethod('sleep', 80, v).then((r) => done.push(r as string));
        void p.runMethod('fail', 'x').catch(() => done.push('failed'));
        await p.whenIdle();
        assert.deepEqual([...done].sort(), ['a', 'b', 'c', 'd', 'failed']);
        assert.equal(p.stats.running, 0);
        assert.equal(p.stats.queued, 0);
      } finally {
        await p.close();
      }
    });

    it('close() lets running and queued calls finish, then refuses new calls and ends every worker', async () => {
      const p = pool({ numberOfWorkers: 2 });
      try {
        await p.broadcast(0, 0, 0); // both online
        const live = pids(p); // process workers only
        if (runtime === 'process') {
          assert.equal(live.length, 2);
          for (const pid of live) assert.equal(pidAlive(pid), true);
        } else assert.deepEqual(live, [], 'threads and inline workers have no pid of their own');
        const running = [p.runMethod('sleep', 250, 'running1'), p.runMethod('sleep', 250, 'running2')];
        const queued1 = p.runMethod('sleep', 10, 'queued1');
        const queued2 = p.run(1, 2, 3);
        await sleep(50);
        assert.equal(p.stats.running, 2);
        assert.equal(p.stats.queued, 2);
        const closing = p.close();
        await assert.rejects(p.run(1, 1, 1), PoolClosedError, 'no new calls while closing');
        await closing;
        assert.deepEqual(await Promise.all([...running, queued1, queued2]), ['running1', 'running2', 'queued1', 6]);
        assert.equal(p.workers.length, 0);
        for (const pid of live) assert.equal(pidAlive(pid), false, `pid ${pid} is still alive after close()`);
        await assert.rejects(p.run(1, 1, 1), PoolClosedError);
        await assert.rejects(p.addTask(1), PoolClosedError);
        await p.close(); // idempotent
      } finally {
        await p.kill();
      }
    });

    it('close({ force: true }) lets running calls finish and rejects queued ones', async () => {
      const p = pool({ numberOfWorkers: 1 });
      try {
        await p.run(0, 0, 0);
        const running = p.runMethod('sleep', 200, 'running');
        const queued = p.runMethod('sleep', 10, 'queued');
        queued.catch(() => {});
        await sleep(50);
        await p.close({ force: true });
        assert.equal(await running, 'running');
        await assert.rejects(queued, PoolClosedError);
        assert.equal(p.workers.length, 0);
      } finally {
        await p.kill();
      }
    });

    it('kill() rejects running and queued calls with PoolClosedError and ends workers now', async () => {
      const p = pool({ numberOfWorkers: 1 });
      try {
        await p.run(0, 0, 0);
        const live = pids(p); // process workers only
        assert.equal(live.length, runtime === 'process' ? 1 : 0);
        const running = p.runMethod('sleep', 3000, 'running');
        const queued = p.runMethod('sleep', 10, 'queued');
        running.catch(() => {});
        queued.catch(() => {});
        await sleep(50);
        assert.equal(p.stats.running, 1);
        const t0 = performance.now();
        await p.kill();
        await assert.rejects(running, PoolClosedError);
        await assert.rejects(queued, PoolClosedError);
        // a process is killed and waited for (its exit event): it may take a little longer
        const bound = runtime === 'process' ? 1500 : 1000;
        assert.ok(performance.now() - t0 < bound, `kill does not wait for the running call (${bound} ms)`);
        assert.equal(p.workers.length, 0);
        for (const pid of live) assert.equal(pidAlive(pid), false, `pid ${pid} is still alive after kill()`);
        await assert.rejects(p.run(1, 2, 3), PoolClosedError);
      } finally {
        await p.kill();
      }
    });

    it('stats counts workers, queued, running, completed and failed', async () => {
      const p = pool({ numberOfWorkers: 1 });
      try {
        const s0 = p.stats;
        assert.equal(s0.completed, 0);
        assert.equal(s0.failed, 0);
        assert.equal(s0.running, 0);
        await p.run(1, 2, 3);
        await p.runMethod('asyncAdd', 1, 2);
        await assert.rejects(p.runMethod('fail', 'x'));
        await assert.rejects(p.runMethod('missing'));
        const slow = p.runMethod('sleep', 200);
        const waiting = p.runMethod('sleep', 1);
        await sleep(50);
        const mid = p.stats;
        assert.equal(mid.running, 1);
        assert.equal(mid.queued, 1);
        assert.equal(mid.workers, 1);
        await Promise.all([slow, waiting]);
        const s = p.stats;
        assert.equal(s.completed, 4);
        assert.equal(s.failed, 2);
        assert.equal(s.running, 0);
        assert.equal(s.queued, 0);
        assert.equal(s.workers, 1);
        assert.equal(s.perWorker.length, 1);
        assert.equal(s.perWorker[0].completed, 4);
        assert.equal(s.perWorker[0].failed, 2);
        assert.ok(s.runTime.max >= 190, `runTime.max ${s.runTime.max}`);
        assert.ok(s.waitTime.max >= 100, `the queued call waited: ${s.waitTime.max}`);
        assert.ok(s.utilization > 0 && s.utilization <= 1);
      } finally {
        await p.close();
      }
    });
  });
});
