// The module-pool contract, once for every runtime — thread, process and inline: createPool / run /
// runMethod / addTask / broadcast, module formats, abort signals, hooks, messages, options,
// lifecycle, stats and every typed error. Where the runtimes differ (where a call runs, what can
// be cloned, what a stuck worker costs) the test says so with a condition on `runtime`.
// What only one runtime has lives in module-pool.test.ts (thread), module-pool-process.test.ts
// and inline.test.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  createPool,
  InvalidOptionError,
  MethodNotFoundError,
  ModuleLoadError,
  type ModulePool,
  PoolClosedError,
  type PoolOptions,
  QueueFullError,
  type Runtime,
  SerializationError,
  TaskAbortedError,
  TimeoutError,
} from 'workforcejs';
import { eventually, fixture, pidAlive, sleep, tempDirs } from '../helpers.js';
import { ALL_RUNTIMES, collect, identity, MODULE, modulePool, nextMessage, pids, type Who, workerIdentity } from './pools.js';

interface Where extends Who {
  isMainThread: boolean;
  workerData: unknown;
}

const tmp = tempDirs('workforce-contract-');

/** A fresh module file `name` holding `source`. */
function moduleFile(name: string, source: string): string {
  const file = join(tmp(), name);
  writeFileSync(file, source);
  return file;
}

function contract(runtime: Runtime): void {
  const pool = (options: Partial<PoolOptions> = {}) => modulePool(runtime, options);
  /** Threads and processes structured-clone what crosses to a worker; inline passes it by reference. */
  const clones = runtime !== 'inline';
  /** Threads and processes can be ended while stuck in a busy loop; the main thread cannot. */
  const terminable = runtime !== 'inline';

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

  describe(`module pool (${runtime}): nested tasks`, () => {
    it('ctx.addTask queues nested tasks in the pool; ctx speaks for its one worker', async () => {
      const p = pool();
      try {
        const info = await p.addTask<{ workerId: number }>({ kind: 'ctx' }, { method: 'task' });
        assert.equal(info.workerId, 1);
        assert.deepEqual(await p.addTask({ kind: 'nested', values: [1, 2, 3] }, { method: 'task' }), [2, 4, 6]);
      } finally {
        await p.close();
      }
    });
  });

  describe(`module pool (${runtime}): module formats`, () => {
    it('loads a CommonJS module written as `module.exports = fn; module.exports.foo = …`', async () => {
      const p = pool({ module: fixture('mp-cjs.cjs') });
      try {
        assert.equal(await p.run(6, 7), 42, 'run() calls module.exports itself');
        assert.equal(await p.runMethod('foo', 'x'), 'foo:x');
        assert.equal(await p.runMethod('asyncDouble', 21), 42);
        assert.equal(await p.runMethod('whoami'), 1, "require('workforcejs/worker') speaks for this worker");
        assert.equal(await p.runMethod('kind'), 'cjs');
        await assert.rejects(p.runMethod('fail'), (e: Error & { code?: string }) => {
          assert.ok(e instanceof TypeError);
          assert.equal(e.message, 'cjs failure');
          assert.equal(e.code, 'E_CJS');
          return true;
        });
        await assert.rejects(p.runMethod('notAFunction'), MethodNotFoundError);
        assert.equal(await p.run(2, 3), 6, 'still serving');
      } finally {
        await p.close();
      }
    });

    it('loads a CommonJS exports object: run() falls back to workerEntrypoint, hooks are found', async () => {
      const p = pool({ module: fixture('mp-cjs-object.cjs') });
      const started = nextMessage(p, 'cjs-started');
      try {
        assert.deepEqual(await p.run('x'), { entry: 'x', workerId: 1 });
        assert.equal(await p.runMethod('square', 9), 81);
        assert.equal(await started, 1);
      } finally {
        await p.close();
      }
    });

    it('loads a TypeScript module (types, enum, generics) with no loader configured', async () => {
      // Threads and processes get no `--import tsx` (see modulePool): the pool itself must make .ts
      // load. (Inline runs in this test process, which has tsx loaded anyway.)
      const p = pool({ module: fixture('mp-typed.ts') });
      try {
        assert.equal(await p.run(40, 2), 42);
        assert.equal(await p.runMethod('greet', { first: 'Ada', last: 'Lovelace', age: 36 }), 'Hello, Ada Lovelace (36)');
        assert.equal(await p.runMethod('greet', { first: 'Grace', last: 'Hopper' }), 'Hello, Grace Hopper');
        assert.equal(await p.runMethod('greet', { first: 'Alan', last: 'Turing' }, 'Hi'), 'Hi, Alan Turing');
        assert.deepEqual(await p.runMethod('swap', [1, 2]), [2, 1]);
        assert.equal(await p.runMethod('whoami'), 1);
        await assert.rejects(p.runMethod('fail', 'typed'), { name: 'Error', message: 'typed', code: 'E_TS' });
        assert.equal(await p.run(1, 1), 2);
      } finally {
        await p.close();
      }
    });

    it('accepts a file: URL as the module', async () => {
      const p = pool({ module: pathToFileURL(MODULE) });
      try {
        assert.equal(await p.run(1, 1, 1), 3);
      } finally {
        await p.close();
      }
    });

    it('uses a `workerEntrypoint` export when there is no default export, with its hooks', async () => {
      const p = pool({ module: fixture('mp-entrypoint.mjs') });
      const started = nextMessage<number>(p, 'entry-started');
      try {
        assert.deepEqual(await p.run(5), { via: 'workerEntrypoint', arg: 5 });
        const viaTask = await p.addTask<{ via: string; arg: unknown; taskId: number }>({ a: 1 });
        assert.equal(viaTask.via, 'workerEntrypoint');
        assert.deepEqual(viaTask.arg, { a: 1 });
        assert.equal(typeof viaTask.taskId, 'number');
        assert.equal(await p.runMethod('other', 'y'), 'other:y:1');
        assert.equal(await started, 1, 'workerEntrypoint.onWorkerStart ran');
        // workerContext.addTask queues a nested task; one worker, concurrency 1, and no deadlock.
        const nested = await p.runMethod<{ outer: number; inner: { via: string; arg: unknown } }>('nested', 'deep');
        assert.equal(nested.outer, 1);
        assert.equal(nested.inner.via, 'workerEntrypoint');
        assert.equal(nested.inner.arg, 'deep');
      } finally {
        await p.close();
      }
    });
  });

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
        const t0 = performance.now();
        ac.abort();
        await assert.rejects(running, TaskAbortedError);
        assert.ok(performance.now() - t0 < 100, 'rejected at once');
        const seen = await abortedInWorker;
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

  describe(`module pool (${runtime}): broadcast`, () => {
    it('broadcast / broadcastMethod reach every worker and report failures', async () => {
      const p = pool({ numberOfWorkers: 2 });
      try {
        const [sums, sumFailures] = await p.broadcast(1, 2, 3);
        assert.deepEqual(sums, [6, 6]);
        assert.deepEqual(sumFailures, []);

        const [whos, failures] = await p.broadcastMethod<Who>('whoami');
        assert.deepEqual(failures, []);
        assert.equal(whos.length, 2);
        assert.deepEqual(whos.map((w) => w.workerId).sort(), [1, 2], 'distinct worker ids');
        assert.equal(new Set(whos.map((w) => identity(runtime, w))).size, 2, `distinct ${runtime} workers`);
        if (runtime === 'process') assert.deepEqual(new Set(whos.map((w) => w.pid)), new Set(pids(p)));

        const [ok, bad] = await p.broadcastMethod('failOn', 1);
        assert.deepEqual(ok, [2]);
        assert.equal(bad.length, 1);
        assert.ok(bad[0] instanceof Error);
        assert.equal(bad[0].message, 'refused on worker 1');

        const [none, missing] = await p.broadcastMethod('noSuchMethod');
        assert.deepEqual(none, []);
        assert.equal(missing.length, 2);
        for (const e of missing) assert.ok(e instanceof MethodNotFoundError);

        assert.equal(await p.run(1, 1, 1), 3, 'still serving');
      } finally {
        await p.close();
      }
    });
  });

  describe(`module pool (${runtime}): hooks`, () => {
    it('onWorkerStart runs before the first call and onWorkerExit runs on close (exports)', async () => {
      const dir = tmp();
      const p = pool({ numberOfWorkers: 2, workerData: { hookDir: dir } });
      const started = collect<Who>(p, 'started');
      try {
        const [startedBy] = await p.broadcastMethod<number>('getStartedBy');
        assert.deepEqual([...startedBy].sort(), [1, 2], 'onWorkerStart ran in each worker before its first call');
        // posted by onWorkerStart, before the worker was ready: in by the time a call answered
        assert.deepEqual(started.map((m) => m.content.workerId).sort(), [1, 2]);
        assert.deepEqual(started.map((m) => m.workerId).sort(), [1, 2]);
        assert.deepEqual(new Set(started.map((m) => identity(runtime, m.content))), new Set(p.workers.map((w) => workerIdentity(runtime, w))));
        assert.equal(readFileSync(join(dir, 'start-1'), 'utf8'), '1');
        assert.equal(existsSync(join(dir, 'exit-1')), false, 'no exit hook while running');
        await p.close();
        assert.equal(readFileSync(join(dir, 'exit-1'), 'utf8'), '1');
        assert.equal(readFileSync(join(dir, 'exit-2'), 'utf8'), '2');
      } finally {
        await p.close();
      }
    });

    it('hooks given as properties of the default export (async onWorkerStart awaited)', async () => {
      const dir = tmp();
      const p = pool({ module: fixture('mp-hooks-prop.mjs'), workerData: { hookDir: dir } });
      const started = nextMessage<number>(p, 'prop-started');
      try {
        assert.deepEqual(await p.run('v'), { x: 'v', started: true }, 'the first call ran after the async hook finished');
        assert.equal(await started, 1);
        await p.close();
        assert.equal(readFileSync(join(dir, 'prop-exit-1'), 'utf8'), 'bye');
      } finally {
        await p.close();
      }
    });
  });

  describe(`module pool (${runtime}): messages`, () => {
    it('postMessageToPool → onMessage with the sender id, and the message event', async () => {
      const p = pool({ numberOfWorkers: 2 });
      const ticks = collect<number>(p, 'tick');
      const events: unknown[][] = [];
      p.on('message', (worker: { id: number }, type: string, content: unknown) => events.push([worker.id, type, content]));
      try {
        await p.broadcast(0, 0, 0); // both online
        assert.equal(await p.addTask(3, { method: 'emit', affinity: 2, affinityStrength: 'force' }), 3);
        // Messages sent before the result travel the same channel: they are in by now.
        assert.deepEqual(
          ticks.map((t) => [t.workerId, t.content]),
          [
            [2, 0],
            [2, 1],
            [2, 2],
          ],
        );
        assert.deepEqual(
          events.filter((e) => e[1] === 'tick'),
          [
            [2, 'tick', 0],
            [2, 'tick', 1],
            [2, 'tick', 2],
          ],
        );
      } finally {
        await p.close();
      }
    });

    it('onMessage returns an unsubscribe function', async () => {
      const p = pool();
      try {
        const seen: unknown[] = [];
        const off = p.onMessage('tick', (c) => seen.push(c));
        await p.runMethod('emit', 1);
        off();
        await p.runMethod('emit', 2);
        assert.deepEqual(seen, [0]);
      } finally {
        await p.close();
      }
    });

    it('postMessageToWorkers reaches the listeners of every worker', async () => {
      const p = pool({ numberOfWorkers: 2 });
      const pongs = collect<{ content: unknown; workerId: number; atLoad?: true }>(p, 'pong');
      try {
        await p.broadcast(0, 0, 0); // both online
        p.postMessageToWorkers('ping', { hello: 'workers' });
        await eventually(() => pongs.length >= 2);
        await sleep(30);
        assert.equal(pongs.length, 2);
        assert.deepEqual(pongs.map((m) => m.content.workerId).sort(), [1, 2]);
        for (const m of pongs) {
          assert.deepEqual(m.content.content, { hello: 'workers' });
          assert.equal(m.workerId, m.content.workerId, 'onMessage gets the sender id');
        }
        // A listener the module registered with workerContext.onMessage while it loaded: each thread
        // or process loads the module for its own worker. Inline workers share one import of it, so
        // such a listener hears for the worker that loaded it only (not tested here).
        if (runtime !== 'inline') {
          pongs.length = 0;
          p.postMessageToWorkers('ping-at-load', 'loaded');
          await eventually(() => pongs.length >= 2);
          await sleep(30);
          assert.deepEqual(pongs.map((m) => [m.workerId, m.content.workerId, m.content.content, m.content.atLoad]).sort(), [
            [1, 1, 'loaded', true],
            [2, 2, 'loaded', true],
          ]);
        }
      } finally {
        await p.close();
      }
    });

    it('a message sent right after createPool (workers not ready yet) is delivered; later ones too', async () => {
      const p = pool({ numberOfWorkers: 2 });
      const pongs = collect<{ content: unknown; workerId: number }>(p, 'pong');
      const ticks = collect<number>(p, 'tick');
      try {
        p.postMessageToWorkers('ping', 'early');
        await p.broadcast(0, 0, 0);
        await eventually(() => pongs.length >= 2, 3000).catch(() => {});
        assert.deepEqual(
          pongs.map((m) => [m.content.content, m.content.workerId]).sort(),
          [
            ['early', 1],
            ['early', 2],
          ],
          'the early message reached both workers',
        );
        p.postMessageToWorkers('ping', 'late');
        await eventually(() => pongs.length >= 4);
        for (const m of pongs) assert.equal(m.workerId, m.content.workerId);
        assert.equal(await p.runMethod('emit', 3), 3);
        assert.deepEqual(
          ticks.map((t) => t.content),
          [0, 1, 2],
        );
      } finally {
        await p.close();
      }
    });

    // Inline messages are passed by reference: nothing to clone, nothing that cannot be (see
    // inline.test.ts).
    if (clones) {
      it('unserializable messages: SerializationError both ways, and the pool keeps serving', async () => {
        const p = pool();
        const errors: unknown[] = [];
        p.on('error', (_worker: unknown, error: unknown) => errors.push(error));
        try {
          assert.throws(() => p.postMessageToWorkers('ping', () => 1), SerializationError, 'before the worker exists');
          const before = await p.runMethod<Who>('whoami');
          assert.throws(() => p.postMessageToWorkers('ping', () => 1), SerializationError, 'to a live worker');
          await assert.rejects(p.runMethod('postBad'), SerializationError);
          assert.equal(await p.run(1, 2, 3), 6);
          assert.equal(identity(runtime, await p.runMethod<Who>('whoami')), identity(runtime, before));
          assert.deepEqual(errors, [], 'no worker failed to start because of a message');
        } finally {
          await p.close();
        }
      });
    }
  });

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

  describe(`module pool (${runtime}): errors`, () => {
    let p: ModulePool;
    before(() => {
      p = pool({ numberOfWorkers: 1 });
    });
    after(() => p.close());

    /** The pool keeps serving after an error. */
    async function serves() {
      assert.equal(await p.run(2, 2, 2), 6);
    }

    it('a thrown error keeps its class, name, message, stack and own props', async () => {
      await assert.rejects(p.runMethod('fail', 'boom'), (e: RangeError & { code?: string; detail?: unknown }) => {
        assert.ok(e instanceof RangeError);
        assert.equal(e.name, 'RangeError');
        assert.equal(e.message, 'boom');
        assert.equal(e.code, 'E_CUSTOM');
        assert.deepEqual(e.detail, { n: 1, list: ['a', 'b'] });
        assert.match(e.stack ?? '', /^RangeError: boom/);
        assert.match(e.stack ?? '', /mp-esm\.mjs/, 'the stack is the worker one');
        assert.match(e.stack ?? '', /at fail /);
        return true;
      });
      await serves();
    });

    it('an async rejection with a custom error class keeps its name and fields', async () => {
      await assert.rejects(p.runMethod('failAsync', 'bad email'), (e: Error & { field?: string }) => {
        assert.ok(e instanceof Error);
        assert.equal(e.name, 'ValidationError');
        assert.equal(e.message, 'bad email');
        assert.equal(e.field, 'email');
        assert.match(e.stack ?? '', /failAsync/);
        return true;
      });
      await serves();
    });

    it('an error cause crosses too', async () => {
      await assert.rejects(p.runMethod('failWithCause'), (e: Error) => {
        assert.equal(e.message, 'outer');
        assert.ok(e.cause instanceof TypeError);
        assert.equal((e.cause as Error).message, 'inner');
        return true;
      });
      await serves();
    });

    it('a thrown non-Error arrives as an Error', async () => {
      await assert.rejects(p.runMethod('throwString'), (e: Error) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /just a string/);
        return true;
      });
      await serves();
    });

    it('a thrown plain object arrives as an Error with its message and fields (error.code works)', async () => {
      await assert.rejects(p.runMethod('throwObject'), (e: Error & Record<string, unknown>) => {
        assert.ok(e instanceof Error);
        assert.equal(e.message, 'quota exceeded');
        assert.equal(e.code, 'E_QUOTA');
        assert.equal(e.retryAfter, 30);
        assert.deepEqual(e.detail, { user: 'ada' });
        assert.deepEqual(e.thrown, { code: 'E_QUOTA', message: 'quota exceeded', retryAfter: 30, detail: { user: 'ada' } });
        return true;
      });
      await serves();
    });

    it('a missing method is a MethodNotFoundError naming the method and module', async () => {
      await assert.rejects(p.runMethod('doesNotExist', 1), (e: MethodNotFoundError) => {
        assert.ok(e instanceof MethodNotFoundError);
        assert.equal(e.name, 'MethodNotFoundError');
        assert.match(e.message, /doesNotExist/);
        assert.match(e.message, /mp-esm\.mjs/);
        return true;
      });
      await assert.rejects(p.addTask(1, { method: 'alsoMissing' }), MethodNotFoundError);
      await serves();
    });

    it('a non-function export is a MethodNotFoundError', async () => {
      await assert.rejects(p.runMethod('notAFunction'), (e: MethodNotFoundError) => {
        assert.ok(e instanceof MethodNotFoundError);
        assert.match(e.message, /notAFunction/);
        return true;
      });
      await serves();
    });

    it('an empty method name is an InvalidOptionError', async () => {
      await assert.rejects(p.runMethod(''), InvalidOptionError);
      await serves();
    });

    // Inline arguments and results are passed by reference, never cloned (see inline.test.ts).
    if (clones) {
      it('unserializable arguments are a SerializationError', async () => {
        await assert.rejects(
          p.run(() => 1, 2, 3),
          (e: SerializationError) => {
            assert.ok(e instanceof SerializationError);
            assert.equal(e.name, 'SerializationError');
            return true;
          },
        );
        await assert.rejects(p.addTask({ fn: Symbol('s') }, { method: 'task' }), SerializationError);
        await serves();
      });

      it('an unserializable result is a SerializationError', async () => {
        await assert.rejects(p.runMethod('returnsFunction'), SerializationError);
        await serves();
      });
    }

    it('errors count as failed and the worker survives them all', async () => {
      const q = pool({ numberOfWorkers: 1 });
      try {
        const who = await q.runMethod<Who>('whoami');
        await assert.rejects(q.runMethod('fail', 'again'));
        await assert.rejects(q.runMethod('failAsync', 'bad email'));
        await assert.rejects(q.runMethod('throwString'), /just a string/);
        await assert.rejects(q.runMethod('nope'));
        await assert.rejects(q.runMethod('notAFunction'));
        await assert.rejects(q.addTask(1, { method: 'alsoMissing' }));
        if (clones) await assert.rejects(q.run(() => 0));
        assert.equal(await q.run(2, 2, 2), 6);
        assert.equal(q.stats.failed, clones ? 7 : 6);
        assert.equal(q.stats.completed, 2);
        assert.equal(identity(runtime, await q.runMethod<Who>('whoami')), identity(runtime, who), 'ordinary errors do not cost a worker');
        assert.deepEqual(
          q.workers.map((w) => w.id),
          [who.workerId],
        );
      } finally {
        await q.close();
      }
    });
  });

  describe(`module pool (${runtime}): load and option errors`, () => {
    it('a missing module throws ModuleLoadError synchronously from createPool', () => {
      const missing = join(tmpdir(), 'mp-definitely-missing', 'nope.mjs');
      assert.throws(
        () => pool({ module: missing }),
        (e: ModuleLoadError) => {
          assert.ok(e instanceof ModuleLoadError);
          assert.match(e.message, /nope\.mjs/);
          return true;
        },
      );
      assert.throws(() => pool({ module: pathToFileURL(missing) }), ModuleLoadError);
    });

    it('a module with a syntax error: calls reject with ModuleLoadError naming the module', async () => {
      const broken = moduleFile('broken.mjs', 'export default function (a {\n  return a;\n');
      const p = pool({ module: broken });
      try {
        await assert.rejects(p.run(1), (e: ModuleLoadError) => {
          assert.ok(e instanceof ModuleLoadError, `got ${e?.name}: ${e?.message}`);
          assert.match(e.message, /broken\.mjs/);
          assert.match(e.message, /SyntaxError/);
          return true;
        });
        await assert.rejects(p.runMethod('x'), ModuleLoadError);
      } finally {
        await p.close();
      }
      assert.equal(p.workers.length, 0);
      // another pool on a good module is unaffected
      const good = pool();
      try {
        assert.equal(await good.run(1, 2, 3), 6);
      } finally {
        await good.close();
      }
    });

    it('a module that throws while loading: calls reject with ModuleLoadError', async () => {
      const throwing = moduleFile('throws.mjs', "throw new Error('top-level failure');\nexport default () => 1;\n");
      const p = pool({ module: throwing });
      try {
        await assert.rejects(p.run(), (e: ModuleLoadError) => {
          assert.ok(e instanceof ModuleLoadError, `got ${e?.name}: ${e?.message}`);
          assert.match(e.message, /top-level failure/);
          return true;
        });
      } finally {
        await p.close();
      }
    });

    it('run() on a module with neither a default export nor workerEntrypoint is a MethodNotFoundError', async () => {
      const named = moduleFile('named.mjs', 'export const twice = (x) => 2 * x;\n');
      const p = pool({ module: named });
      try {
        await assert.rejects(p.run(1), MethodNotFoundError);
        assert.equal(await p.runMethod('twice', 4), 8);
      } finally {
        await p.close();
      }
    });

    it('bad options throw InvalidOptionError from createPool', () => {
      const bad: [string, Partial<PoolOptions>][] = [
        ['numberOfWorkers', { numberOfWorkers: 0 }],
        ['numberOfWorkers', { numberOfWorkers: 1.5 }],
        ['numberOfWorkers', { numberOfWorkers: -2 }],
        ['concurrency', { concurrency: 0 }],
        ['maxConcurrentCalls', { maxConcurrentCalls: 0 }],
        ['maxRetries', { maxRetries: -1 }],
        ['timeout', { timeout: -5 }],
        ['runtime', { runtime: 'fiber' as 'thread' }],
        ['killTimeout', { killTimeout: -1 }],
        ['serializer', { serializer: 'yaml' }],
      ];
      for (const [option, options] of bad) {
        assert.throws(
          () => createPool({ module: MODULE, runtime, ...options }),
          (e: InvalidOptionError) => {
            assert.ok(e instanceof InvalidOptionError, `${option}: got ${e?.name}: ${e?.message}`);
            assert.equal(e.option, option);
            return true;
          },
          option,
        );
      }
      assert.throws(() => createPool({ module: 42 as unknown as string, runtime }), InvalidOptionError);
      assert.throws(() => createPool(undefined as unknown as PoolOptions), InvalidOptionError);
    });
  });
}

for (const runtime of ALL_RUNTIMES) contract(runtime);
