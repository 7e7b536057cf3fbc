// The module-pool contract on every runtime (thread, process, inline): abort signals: queued, running and settled tasks; a worker stuck in a task is replaced.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskAbortedError, TimeoutError } from 'workforcejs';
import { eventually, pidAlive, sleep } from '../../helpers.js';
import { collect, identity, nextMessage, type Who, workerIdentity } from '../pools.js';
import { forEachRuntime } from './matrix.js';

forEachRuntime(({ runtime, pool, terminable }) => {
  describe(`module pool (${runtime}): abort signals`, () => {
    it('a queued task aborted rejects at once and never runs', async () => {
      const p = pool();
      const ran = collect<string>(p, 'ran');
      try {
        await p.run(0, 0, 0); // the worker is online
        const blocker = p.runMethod('sleep', 400, 'blocker');
        const ac = new AbortController();
        const queued = p.addTask({ kind: 'count', id: 'queued' }, { method: 'task', signal: ac.signal });
        await sleep(50);
        assert.equal(p.stats.queued, 1, 'the task waits behind the blocker');
        const t0 = performance.now();
        ac.abort('changed my mind');
        await assert.rejects(queued, (e: TaskAbortedError) => {
          assert.ok(e instanceof TaskAbortedError);
          assert.equal(e.reason, 'changed my mind');
          return true;
        });
        assert.ok(performance.now() - t0 < 100, 'rejected at once, not after the blocker');
        assert.equal(p.stats.queued, 0);
        assert.equal(await blocker, 'blocker');
        assert.equal(await p.addTask({ kind: 'count', id: 'after' }, { method: 'task' }), 'after');
        await sleep(50);
        assert.deepEqual(
          ran.map((m) => m.content),
          ['after'],
          'the aborted task never ran',
        );
      } finally {
        await p.close();
      }
    });

    it('an already-aborted signal rejects without queueing', async () => {
      const p = pool();
      const ran = collect<string>(p, 'ran');
      try {
        await assert.rejects(p.addTask({ kind: 'count', id: 'pre' }, { method: 'task', signal: AbortSignal.abort('early') }), TaskAbortedError);
        assert.equal(p.stats.queued + p.stats.running, 0);
        assert.equal(await p.addTask({ kind: 'count', id: 'next' }, { method: 'task' }), 'next');
        await sleep(30);
        assert.deepEqual(
          ran.map((m) => m.content),
          ['next'],
        );
      } finally {
        await p.close();
      }
    });

    it('a running task aborted rejects at once and sees its signal fire (ctx.signal)', async () => {
      const p = pool();
      try {
        const before = await p.runMethod<Who>('whoami');
        const ac = new AbortController();
        const started = nextMessage<{ id: string }>(p, 'task-started', (m) => m.id === 'coop');
        const abortedInWorker = nextMessage<{ id: string; aborted: boolean; workerId: number }>(p, 'task-aborted', (m) => m.id === 'coop');
        const running = p.addTask({ kind: 'cooperative', id: 'coop' }, { method: 'task', signal: ac.signal });
        await started;
        assert.equal(p.stats.running, 1);
        // "at once": the call rejects before anything can come back from the worker (no wall-clock bound: load-proof)
        const order: string[] = [];
        running.catch(() => order.push('rejected'));
        void abortedInWorker.then(() => order.push('worker saw it'));
        ac.abort();
        await assert.rejects(running, TaskAbortedError);
        const seen = await abortedInWorker;
        assert.deepEqual(order, ['rejected', 'worker saw it'], 'rejected at once, before the worker answered');
        assert.equal(seen.aborted, true);
        assert.equal(seen.workerId, before.workerId);
        // It stopped in time, so the worker is kept.
        await sleep(50);
        const afterwards = await p.runMethod<Who>('whoami');
        assert.equal(identity(runtime, afterwards), identity(runtime, before), 'a cooperative task does not cost its worker');
        assert.equal(afterwards.workerId, before.workerId);
      } finally {
        await p.close();
      }
    });

    it('workerContext.signal read at task start fires too', async () => {
      const p = pool();
      try {
        const ac = new AbortController();
        const started = nextMessage<{ id: string }>(p, 'task-started', (m) => m.id === 'wc');
        const abortedInWorker = nextMessage<{ id: string; via: string }>(p, 'task-aborted', (m) => m.id === 'wc');
        const running = p.addTask({ kind: 'context-signal', id: 'wc' }, { method: 'task', signal: ac.signal });
        await started;
        ac.abort();
        await assert.rejects(running, TaskAbortedError);
        assert.equal((await abortedInWorker).via, 'workerContext');
        assert.equal(await p.run(1, 2, 3), 6);
      } finally {
        await p.close();
      }
    });

    it('an abort or a timeout fires the task signal; the task stops and the pool serves on', async () => {
      const p = pool({ timeout: 150, maxRetries: 0 });
      const seen = collect<{ id: string; aborted: boolean }>(p, 'task-aborted');
      try {
        assert.equal(await p.run(0, 0, 0), 0); // online: the aborted task runs, it is not dropped from the queue
        const controller = new AbortController();
        const call = p.addTask({ kind: 'cooperative', id: 'aborted', ms: 5000 }, { method: 'task', signal: controller.signal });
        setTimeout(() => controller.abort(), 20);
        await assert.rejects(call, TaskAbortedError);
        await assert.rejects(p.addTask({ kind: 'cooperative', id: 'timed-out', ms: 5000 }, { method: 'task' }), TimeoutError);
        await eventually(() => seen.length === 2);
        assert.deepEqual(
          seen.map((m) => [m.content.id, m.content.aborted]),
          [
            ['aborted', true],
            ['timed-out', true],
          ],
        );
        assert.equal(await p.run(1, 1, 1), 3);
      } finally {
        await p.close();
      }
    });

    it('aborting after the task settled changes nothing', async () => {
      const p = pool();
      try {
        const ac = new AbortController();
        assert.equal(await p.addTask({ kind: 'count', id: 'done' }, { method: 'task', signal: ac.signal }), 'done');
        const who = await p.runMethod<Who>('whoami');
        ac.abort();
        await sleep(20);
        assert.equal(p.stats.failed, 0);
        assert.equal(identity(runtime, await p.runMethod<Who>('whoami')), identity(runtime, who));
      } finally {
        await p.close();
      }
    });

    // A task stuck in a busy loop ignores its signal: its worker is ended after cancelGracePeriod.
    // Inline there is nothing to end: the loop would block the main thread, test runner included.
    if (terminable) {
      it('a running task that ignores its signal gets its worker replaced after cancelGracePeriod', async () => {
        const p = pool({ cancelGracePeriod: 200 });
        const exits: unknown[] = [];
        p.on('exit', (worker: { id: number }) => exits.push(worker.id));
        try {
          const before = await p.runMethod<Who>('whoami');
          const ac = new AbortController();
          const started = nextMessage<{ id: string }>(p, 'task-started', (m) => m.id === 'stubborn');
          const t0 = performance.now();
          const running = p.addTask({ kind: 'stubborn', id: 'stubborn', ms: 8000 }, { method: 'task', signal: ac.signal });
          await started;
          ac.abort();
          await assert.rejects(running, TaskAbortedError);
          // The next call needs a new worker: the old one is stuck in a busy loop for 8 s.
          const next = await p.runMethod<Who>('whoami');
          assert.ok(performance.now() - t0 < 5000, 'the stuck worker was terminated, not waited for');
          assert.notEqual(identity(runtime, next), identity(runtime, before), `a new ${runtime} serves the next call`);
          assert.notEqual(next.workerId, before.workerId, 'with a new worker id');
          assert.deepEqual(exits, [before.workerId]);
          assert.equal(p.workers.length, 1);
          assert.equal(workerIdentity(runtime, p.workers[0]), identity(runtime, next));
          if (runtime === 'process') await eventually(() => !pidAlive(before.pid), 2000);
        } finally {
          await p.close();
        }
      });

      it('other calls running on a replaced worker are retried on the new one, not lost', async () => {
        const p = pool({ numberOfWorkers: 1, concurrency: 2, cancelGracePeriod: 100 });
        try {
          const first = await p.runMethod<Who>('whoami');
          const ac = new AbortController();
          const bystander = p.runMethod<Who>('sleep', 300, 'bystander');
          const started = nextMessage(p, 'task-started');
          const stuck = p.addTask({ kind: 'stubborn', id: 'x', ms: 6000 }, { method: 'task', signal: ac.signal });
          await started;
          assert.equal(p.stats.running, 2);
          ac.abort();
          await assert.rejects(stuck, TaskAbortedError);
          assert.equal(await bystander, 'bystander', 'the other call completed after a retry');
          const after = await p.runMethod<Who>('whoami');
          assert.notEqual(identity(runtime, after), identity(runtime, first));
        } finally {
          await p.close();
        }
      });
    }
  });
});
