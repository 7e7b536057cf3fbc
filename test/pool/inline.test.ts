// runtime 'inline' (step-through debugging): the same basic suite must pass on the main thread as
// on worker threads — run, runMethod, addTask, nested tasks, broadcast, messages both ways, hooks,
// errors, timeouts and aborts, lifecycle. Only the "where did it run" assertion differs.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPool, MethodNotFoundError, type ModulePool, PoolClosedError, type PoolOptions, TaskAbortedError, TimeoutError } from 'workforce';
import { eventually, fixture, sleep, tempDirs } from '../helpers.js';

const MODULE = fixture('suite-worker.mjs');

const tmp = tempDirs('workforce-inline-');

function collect<T = unknown>(p: ModulePool, type: string): { content: T; workerId: number | string }[] {
  const seen: { content: T; workerId: number | string }[] = [];
  p.onMessage(type, (content, workerId) => seen.push({ content: content as T, workerId }));
  return seen;
}

interface Where {
  workerId: number;
  isMainThread: boolean;
  pid: number;
  workerData: unknown;
}

function basicSuite(runtime: 'thread' | 'inline'): void {
  /** A pool of the suite fixture; execArgv [] keeps the runner's tsx loader out of threads. */
  const pool = (options: Partial<PoolOptions> = {}) => createPool({ module: MODULE, runtime, numberOfWorkers: 1, execArgv: [], ...options });

  describe(`basic suite (${runtime})`, () => {
    it('runs where the runtime says: threads off the main thread, inline on it', async () => {
      const p = pool({ workerData: { tag: 'wd' } });
      try {
        const where = await p.runMethod<Where>('where');
        assert.equal(where.isMainThread, runtime === 'inline');
        assert.equal(where.pid, process.pid);
        assert.equal(where.workerId, 1);
        assert.deepEqual(where.workerData, { tag: 'wd' });
        assert.equal(p.runtime, runtime);
      } finally {
        await p.close();
      }
    });

    it('run() and runMethod(): sync, async, many in parallel', async () => {
      const p = pool({ numberOfWorkers: 2 });
      try {
        assert.equal(await p.run(1, 2, 3), 6);
        assert.equal(await p.run('a', 'b', 'c'), 'abc');
        assert.equal(await p.runMethod('asyncAdd', 20, 22), 42);
        assert.deepEqual(await p.runMethod('sleep', 1, { nested: [1, 2] }), { nested: [1, 2] });
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => p.run(i, i, i)));
        assert.deepEqual(
          results,
          Array.from({ length: 40 }, (_, i) => 3 * i),
        );
      } finally {
        await p.close();
      }
    });

    it('addTask() calls fn(arg, ctx) with a task context, and nested tasks work', async () => {
      const p = pool();
      try {
        const info = await p.addTask<{ arg: number; workerId: number; taskId: number; signalIsAbortSignal: boolean; sameAsWorkerContext: boolean }>(
          { kind: 'ctx', value: 7 },
          { method: 'task' },
        );
        assert.equal(info.arg, 7);
        assert.equal(info.workerId, 1);
        assert.equal(typeof info.taskId, 'number');
        assert.equal(info.signalIsAbortSignal, true);
        assert.equal(info.sameAsWorkerContext, true);
        assert.deepEqual(await p.addTask({ kind: 'nested', values: [1, 2, 3] }, { method: 'task' }), [2, 4, 6]);
      } finally {
        await p.close();
      }
    });

    it('an abort or a timeout fires the task signal; the task stops and the pool serves on', async () => {
      const p = pool({ timeout: 150, maxRetries: 0 });
      const seen = collect<number>(p, 'saw-abort');
      try {
        assert.equal(await p.run(0, 0, 0), 0); // online: the aborted task runs, it is not dropped from the queue
        const controller = new AbortController();
        const call = p.addTask({ kind: 'cooperative', ms: 5000 }, { method: 'task', signal: controller.signal });
        setTimeout(() => controller.abort(), 20);
        await assert.rejects(call, TaskAbortedError);
        await assert.rejects(p.addTask({ kind: 'cooperative', ms: 5000 }, { method: 'task' }), TimeoutError);
        await eventually(() => seen.length === 2);
        assert.equal(await p.run(1, 1, 1), 3);
      } finally {
        await p.close();
      }
    });

    it('broadcast / broadcastMethod reach every worker and report failures', async () => {
      const p = pool({ numberOfWorkers: 2 });
      try {
        const [sums, sumFailures] = await p.broadcast(1, 2, 3);
        assert.deepEqual(sums, [6, 6]);
        assert.deepEqual(sumFailures, []);
        const [wheres, failures] = await p.broadcastMethod<Where>('where');
        assert.deepEqual(failures, []);
        assert.deepEqual(wheres.map((w) => w.workerId).sort(), [1, 2], 'each worker answers with its own id');
        const [ok, bad] = await p.broadcastMethod('failOn', 1);
        assert.deepEqual(ok, [2]);
        assert.equal(bad.length, 1);
        assert.equal(bad[0].message, 'refused on worker 1');
        const [none, missing] = await p.broadcastMethod('noSuchMethod');
        assert.deepEqual(none, []);
        assert.equal(missing.length, 2);
        for (const e of missing) assert.ok(e instanceof MethodNotFoundError);
      } finally {
        await p.close();
      }
    });

    it('messages: postMessageToPool → onMessage (sender id, message event), postMessageToWorkers → every worker', async () => {
      const p = pool({ numberOfWorkers: 2 });
      const ticks = collect<number>(p, 'tick');
      const pongs = collect<{ content: unknown; workerId: number }>(p, 'pong');
      const events: unknown[][] = [];
      p.on('message', (worker: { id: number }, type: string, content: unknown) => {
        if (type === 'tick') events.push([worker.id, content]);
      });
      try {
        await p.broadcast(0, 0, 0); // both online
        assert.equal(await p.addTask(3, { method: 'emit', affinity: 1, affinityStrength: 'force' }), 3);
        assert.deepEqual(
          ticks.map((t) => [t.workerId, t.content]),
          [
            [1, 0],
            [1, 1],
            [1, 2],
          ],
        );
        assert.deepEqual(
          events,
          ticks.map((t) => [t.workerId, t.content]),
        );
        p.postMessageToWorkers('ping', { hello: 'workers' });
        await eventually(() => pongs.length >= 2);
        await sleep(20);
        assert.equal(pongs.length, 2);
        for (const m of pongs) {
          assert.deepEqual(m.content.content, { hello: 'workers' });
          assert.equal(m.workerId, m.content.workerId, 'onMessage gets the sender id');
        }
        assert.deepEqual(pongs.map((m) => m.workerId).sort(), [1, 2]);
      } finally {
        await p.close();
      }
    });

    it('hooks: onWorkerStart runs before the first call, onWorkerExit on close', async () => {
      const dir = tmp();
      const p = pool({ numberOfWorkers: 2, workerData: { dir } });
      const started = collect<number>(p, 'started');
      try {
        await p.broadcast(0, 0, 0);
        assert.deepEqual(started.map((m) => m.content).sort(), [1, 2]);
        assert.equal(readFileSync(join(dir, 'start-1'), 'utf8'), '1');
        assert.equal(existsSync(join(dir, 'exit-1')), false, 'no exit hook while running');
        await p.close();
        assert.equal(readFileSync(join(dir, 'exit-1'), 'utf8'), '1');
        assert.equal(readFileSync(join(dir, 'exit-2'), 'utf8'), '2');
      } finally {
        await p.close();
      }
    });

    it('errors keep their class, name, message and props; missing methods are typed; the pool serves on', async () => {
      const p = pool();
      try {
        await assert.rejects(p.runMethod('fail', 'boom'), (e: RangeError & { code?: string; detail?: unknown }) => {
          assert.ok(e instanceof RangeError);
          assert.equal(e.message, 'boom');
          assert.equal(e.code, 'E_CUSTOM');
          assert.deepEqual(e.detail, { n: 1 });
          assert.match(e.stack ?? '', /suite-worker\.mjs/);
          return true;
        });
        await assert.rejects(p.runMethod('failAsync', 'bad email'), { name: 'ValidationError', message: 'bad email', field: 'email' });
        await assert.rejects(p.runMethod('missing'), (e: MethodNotFoundError) => e instanceof MethodNotFoundError && /missing/.test(e.message));
        await assert.rejects(p.runMethod('notAFunction'), MethodNotFoundError);
        await assert.rejects(p.addTask(1, { method: 'alsoMissing' }), MethodNotFoundError);
        assert.equal(await p.run(2, 2, 2), 6);
        assert.equal(p.stats.failed, 5);
        assert.equal(p.stats.completed, 1);
      } finally {
        await p.close();
      }
    });

    it('whenIdle, close() lets calls finish, then refuses new ones', async () => {
      const p = pool();
      try {
        const calls = [p.runMethod('sleep', 20, 'a'), p.runMethod('sleep', 5, 'b')];
        await p.whenIdle();
        assert.deepEqual(await Promise.all(calls), ['a', 'b']);
        const late = p.runMethod('sleep', 20, 'c');
        await p.close();
        assert.equal(await late, 'c');
        assert.equal(p.workers.length, 0);
        await assert.rejects(p.run(1, 2, 3), PoolClosedError);
      } finally {
        await p.close();
      }
    });
  });
}

describe("runtime 'inline' passes the thread suite", { concurrency: 2 }, () => {
  for (const runtime of ['thread', 'inline'] as const) basicSuite(runtime);
});

describe("runtime 'inline': workers sharing the main thread", () => {
  it('workerContext speaks for the worker whose code runs, across inline pools and workers', async () => {
    const a = createPool({ module: MODULE, runtime: 'inline', numberOfWorkers: 2, workerData: 'a' });
    const b = createPool({ module: MODULE, runtime: 'inline', numberOfWorkers: 1, workerData: 'b' });
    try {
      const [[fromA, fromB]] = await Promise.all([Promise.all([a.broadcastMethod<Where>('where'), b.broadcastMethod<Where>('where')]), a.whenIdle()]);
      const [aWheres] = fromA;
      const [bWheres] = fromB;
      assert.deepEqual(aWheres.map((w) => [w.workerId, w.workerData]).sort(), [
        [1, 'a'],
        [2, 'a'],
      ]);
      assert.deepEqual(
        bWheres.map((w) => [w.workerId, w.workerData]),
        [[1, 'b']],
      );
      const mixed = await Promise.all([
        a.addTask(2, { method: 'failOn', affinity: 2, affinityStrength: 'force' }).catch((e: Error) => e.message),
        b.runMethod('failOn', 2),
      ]);
      assert.deepEqual(mixed, ['refused on worker 2', 1]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("runtime 'inline': a task's context across its awaits", () => {
  const module = fixture('ctx-across-await.mjs');

  it('workerContext speaks for the worker whose task resumes, not the one that ran last', async () => {
    const p = createPool({ module, runtime: 'inline', numberOfWorkers: 2, concurrency: 1 });
    try {
      await p.broadcast({ ms: 1 });
      // worker 2's task starts while worker 1's waits: after its await, worker 1 must still see itself
      const [first, second] = await Promise.all([p.addTask({ ms: 100, nest: true }), p.addTask({ ms: 300 })]);
      for (const r of [first, second] as { ctx: number; before: number; after: number; signalIsOwn: boolean }[]) {
        assert.equal(r.before, r.ctx);
        assert.equal(r.after, r.ctx, `worker ${r.ctx} sees its own workerId after an await`);
        assert.equal(r.signalIsOwn, true, 'workerContext.signal is its task signal after an await');
      }
      assert.equal((first as { nestedRanOn: number }).nestedRanOn, (first as { ctx: number }).ctx, 'its nested task is charged to it (light affinity)');
    } finally {
      await p.close();
    }
  });

  it("the same through require('workforce/worker') (CommonJS)", async () => {
    const p = createPool({ module: fixture('ctx-across-await.cjs'), runtime: 'inline', numberOfWorkers: 2, concurrency: 1 });
    try {
      await p.broadcast({ ms: 1 });
      const results = await Promise.all([p.addTask({ ms: 100 }), p.addTask({ ms: 300 })]);
      for (const r of results as { ctx: number; after: number; signalIsOwn: boolean }[]) {
        assert.equal(r.after, r.ctx);
        assert.equal(r.signalIsOwn, true);
      }
    } finally {
      await p.close();
    }
  });

  it('a nested task queued after an await works when another inline worker has ended meanwhile', async () => {
    const p = createPool({ module, runtime: 'inline', minWorkers: 1, maxWorkers: 2, maxIdleTime: 50 });
    try {
      await p.addTask({ ms: 1 });
      const long = p.addTask<{ ctx: number; after: number; nestedRanOn: number }>({ ms: 400, nest: true });
      await p.addTask({ ms: 5 }); // grows the pool: worker 2 runs it, then is reaped after 50 ms idle
      await eventually(() => p.workers.length === 1);
      const r = await long;
      assert.equal(r.after, r.ctx);
      assert.equal(r.nestedRanOn, r.ctx);
    } finally {
      await p.close();
    }
  });
});
