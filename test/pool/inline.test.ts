// runtime 'inline' (step-through debugging) only: workers share the main thread and this module
// instance, values pass by reference, and workerContext follows each worker's code across awaits.
// The contract inline keeps like threads and processes — run, runMethod, addTask, nested tasks,
// broadcast, messages both ways, hooks, errors, timeouts and aborts, lifecycle — is
// the contract/ folder (one file per concern, on every runtime).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool } from 'workforcejs';
import { eventually, fixture } from '../helpers.js';
import { collect, modulePool, nextMessage } from './pools.js';

interface Where {
  workerId: number;
  isMainThread: boolean;
  pid: number;
  workerData: unknown;
}

describe("runtime 'inline': values pass by reference", () => {
  // Threads and processes clone (and refuse what cannot be cloned: see the contract's
  // SerializationError tests); inline workers get the very objects, functions included.
  it('arguments, results and messages are the same objects, functions included', async () => {
    const p = modulePool('inline');
    const bad = nextMessage<() => number>(p, 'bad');
    const pongs = collect<{ content: unknown; workerId: number }>(p, 'pong');
    try {
      const fn = () => 1;
      const value = { fn, list: [1, 2] };
      assert.equal(await p.runMethod('sleep', 0, value), value, 'the argument object itself came back');
      assert.equal(await p.run(fn, 'a', 'b'), `${fn}ab`, 'a function argument reached the worker');
      const returned = await p.runMethod<() => number>('returnsFunction');
      assert.equal(typeof returned, 'function');
      assert.equal(returned(), 1);
      assert.equal(await p.runMethod('postBad'), 'unreachable');
      assert.equal((await bad)(), 1, 'a function posted to the pool');
      p.postMessageToWorkers('ping', fn);
      await eventually(() => pongs.length === 1);
      assert.equal(pongs[0].content.content, fn, 'a function posted to the workers');
      assert.equal(p.stats.failed, 0);
    } finally {
      await p.close();
    }
  });
});

describe("runtime 'inline': workers sharing the main thread", () => {
  it('workerContext speaks for the worker whose code runs, across inline pools and workers', async () => {
    const a = modulePool('inline', { numberOfWorkers: 2, workerData: 'a' });
    const b = modulePool('inline', { workerData: 'b' });
    try {
      const [[fromA, fromB]] = await Promise.all([Promise.all([a.broadcastMethod<Where>('whoami'), b.broadcastMethod<Where>('whoami')]), a.whenIdle()]);
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

  it("the same through require('workforcejs/worker') (CommonJS)", async () => {
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
