// The module-pool contract on every runtime (thread, process, inline): run / runMethod / addTask: where a call runs, what comes back, and how calls share the workers.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPool, type ModulePool } from 'workforcejs';
import { identity, MODULE, pids, type Who } from '../pools.js';
import { forEachRuntime, type Where } from './matrix.js';

forEachRuntime(({ runtime, pool, clones }) => {
  describe(`module pool (${runtime}): calls`, () => {
    let p: ModulePool;
    before(() => {
      // Threads: the default runtime and the default execArgv (the thread inherits the test
      // runner's flags): every other thread pool here gives execArgv [].
      p = runtime === 'thread' ? createPool({ module: MODULE, numberOfWorkers: 2 }) : pool({ numberOfWorkers: 2 });
    });
    after(() => p.close());

    it('run() calls the default export, sync', async () => {
      assert.equal(p.runtime, runtime);
      assert.equal(await p.run(1, 2, 3), 6);
      assert.equal(await p.run('a', 'b', 'c'), 'abc');
    });

    it('runMethod() calls named exports, sync and async, where the runtime runs them', async () => {
      assert.equal(await p.runMethod('asyncAdd', 20, 22), 42);
      assert.equal(await p.runMethod('sleep', 5, { nested: [1, 2] }).then(JSON.stringify), '{"nested":[1,2]}');
      const who = await p.runMethod<Where>('whoami');
      assert.ok(who.workerId === 1 || who.workerId === 2, `workerId ${who.workerId}`);
      if (runtime === 'thread') {
        assert.ok(who.threadId > 0, 'runs on a worker thread, not the main thread');
        assert.equal(who.isMainThread, false);
        assert.equal(who.pid, process.pid, 'threads share the process');
      } else if (runtime === 'process') {
        assert.notEqual(who.pid, process.pid, 'runs in a child process');
        assert.ok(pids(p).includes(who.pid), 'the pid is one of pool.workers');
        assert.equal(who.threadId, 0, "a process worker runs on its process's main thread");
      } else {
        assert.equal(who.isMainThread, true, 'inline: on the main thread of this process');
        assert.equal(who.threadId, 0);
        assert.equal(who.pid, process.pid);
      }
    });

    it('many calls in parallel all resolve with their own values', async () => {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => p.run(i, i, i)));
      assert.deepEqual(
        results,
        Array.from({ length: 40 }, (_, i) => 3 * i),
      );
    });

    it('two calls at once use both workers, one call each (concurrency 1)', async () => {
      const used = await Promise.all([p.runMethod<number>('track', 150), p.runMethod<number>('track', 150)]);
      assert.deepEqual(used, [1, 1], 'each worker ran one call at a time');
      const [whos] = await p.broadcastMethod<Who>('whoami');
      assert.equal(new Set(whos.map((w) => identity(runtime, w))).size, 2);
    });

    it('addTask() calls the entry as fn(arg, ctx) with a task context', async () => {
      const info = await p.addTask<{ arg: number; workerId: number; taskId: number; signalIsAbortSignal: boolean; sameAsWorkerContext: boolean }>(
        { kind: 'ctx', value: 7 },
        { method: 'task' },
      );
      assert.equal(info.arg, 7);
      assert.ok(info.workerId === 1 || info.workerId === 2);
      assert.equal(typeof info.taskId, 'number');
      assert.equal(info.signalIsAbortSignal, true);
      assert.equal(info.sameAsWorkerContext, true, 'ctx.signal is the same signal workerContext.signal gives');
    });

    it('values round-trip (Map, Date, typed arrays, bigint): cloned, or inline by reference', async () => {
      const value = { m: new Map([[1, 'one']]), d: new Date(1234), u: new Uint8Array([1, 2]), big: 10n };
      const back = await p.runMethod<typeof value>('sleep', 0, value);
      assert.ok(back.m instanceof Map);
      assert.equal(back.m.get(1), 'one');
      assert.equal(back.d.getTime(), 1234);
      assert.deepEqual([...back.u], [1, 2]);
      assert.equal(back.big, 10n);
      if (clones) assert.notEqual(back, value, 'a copy came back');
      else assert.equal(back, value, 'inline: the same object came back');
    });
  });
});
