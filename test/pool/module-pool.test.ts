// The module pool on worker threads: createPool / run / runMethod / addTask / broadcast,
// hooks, messages, options, lifecycle, stats and every typed error.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CallMaxRetryError,
  createPool,
  InvalidOptionError,
  MethodNotFoundError,
  ModuleLoadError,
  type ModulePool,
  PoolClosedError,
  type PoolOptions,
  QueueFullError,
  SerializationError,
  TaskAbortedError,
  WorkerCrashError,
} from 'workforce';
import { eventually, fixture, sleep } from '../helpers.js';

const ESM = fixture('mp-esm.mjs');

interface Who {
  workerId: number;
  threadId: number;
  pid: number;
}

/** A pool of the ESM fixture on threads; closed (or killed) by the caller. */
function pool(options: Partial<PoolOptions> = {}): ModulePool {
  // execArgv []: the threads do not inherit the test runner's `--import tsx` (a user's threads
  // would not either), which halves their start time. The 'calls' suite keeps the default.
  return createPool({ module: ESM, runtime: 'thread', numberOfWorkers: 1, execArgv: [], ...options });
}

/** Collects every message of `type` the pool receives, with the sender's worker id. */
function collect<T = unknown>(p: ModulePool, type: string): { content: T; workerId: number | string }[] {
  const seen: { content: T; workerId: number | string }[] = [];
  p.onMessage(type, (content, workerId) => seen.push({ content: content as T, workerId }));
  return seen;
}

/** Resolves with the first `type` message whose content satisfies `match`. */
function nextMessage<T = unknown>(p: ModulePool, type: string, match: (content: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no "${type}" message within ${ms} ms`));
    }, ms);
    const off = p.onMessage(type, (content) => {
      if (!match(content as T)) return;
      clearTimeout(timer);
      off();
      resolve(content as T);
    });
  });
}

/** Count of resources that mean a live worker thread (its MessagePorts, the Worker handle). */
function threadResources(): number {
  return process.getActiveResourcesInfo().filter((r) => /MessagePort|Worker/i.test(r)).length;
}

describe('module pool (thread): calls', () => {
  let p: ModulePool;
  before(() => {
    p = createPool({ module: ESM, numberOfWorkers: 2 });
  });
  after(() => p.close());

  it('run() calls the default export, sync', async () => {
    assert.equal(await p.run(1, 2, 3), 6);
    assert.equal(await p.run('a', 'b', 'c'), 'abc');
  });

  it('runMethod() calls named exports, sync and async', async () => {
    assert.equal(await p.runMethod('asyncAdd', 20, 22), 42);
    assert.equal(await p.runMethod('sleep', 5, { nested: [1, 2] }).then(JSON.stringify), '{"nested":[1,2]}');
    const who = await p.runMethod<Who>('whoami');
    assert.ok(who.workerId === 1 || who.workerId === 2, `workerId ${who.workerId}`);
    assert.ok(who.threadId > 0, 'runs on a worker thread, not the main thread');
    assert.equal(who.pid, process.pid, 'threads share the process');
  });

  it('many calls in parallel all resolve with their own values', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => p.run(i, i, i)));
    assert.deepEqual(
      results,
      Array.from({ length: 40 }, (_, i) => 3 * i),
    );
  });

  it('addTask() calls the entry as fn(arg, ctx) with a task context', async () => {
    const info = await p.addTask<{ workerId: number; taskId: number; signalIsAbortSignal: boolean; sameAsWorkerContext: boolean }>(
      { kind: 'ctx' },
      { method: 'task' },
    );
    assert.ok(info.workerId === 1 || info.workerId === 2);
    assert.equal(typeof info.taskId, 'number');
    assert.equal(info.signalIsAbortSignal, true);
    assert.equal(info.sameAsWorkerContext, true, 'ctx.signal is the same signal workerContext.signal gives');
  });

  it('structured-clone values round-trip (Map, Date, typed arrays, bigint)', async () => {
    const value = { m: new Map([[1, 'one']]), d: new Date(1234), u: new Uint8Array([1, 2]), big: 10n };
    const back = await p.runMethod<typeof value>('sleep', 0, value);
    assert.ok(back.m instanceof Map);
    assert.equal(back.m.get(1), 'one');
    assert.equal(back.d.getTime(), 1234);
    assert.deepEqual([...back.u], [1, 2]);
    assert.equal(back.big, 10n);
  });
});

describe('module pool (thread): module formats', () => {
  it('loads a CommonJS module written as `module.exports = fn; module.exports.foo = …`', async () => {
    const p = createPool({ module: fixture('mp-cjs.cjs'), numberOfWorkers: 1, execArgv: [] });
    try {
      assert.equal(await p.run(6, 7), 42, 'run() calls module.exports itself');
      assert.equal(await p.runMethod('foo', 'x'), 'foo:x');
      assert.equal(await p.runMethod('asyncDouble', 21), 42);
      assert.equal(await p.runMethod('whoami'), 1, "require('workforce/worker') speaks for this worker");
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
    const p = createPool({ module: fixture('mp-cjs-object.cjs'), numberOfWorkers: 1, execArgv: [] });
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
    // execArgv [] drops the test runner's `--import tsx`: the pool itself must make .ts load.
    const p = createPool({ module: fixture('mp-typed.ts'), numberOfWorkers: 1, execArgv: [] });
    try {
      assert.equal(await p.run(40, 2), 42);
      assert.equal(await p.runMethod('greet', { first: 'Ada', last: 'Lovelace', age: 36 }), 'Hello, Ada Lovelace (36)');
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
    const p = createPool({ module: pathToFileURL(ESM), numberOfWorkers: 1, execArgv: [] });
    try {
      assert.equal(await p.run(1, 1, 1), 3);
    } finally {
      await p.close();
    }
  });

  it('uses a `workerEntrypoint` export when there is no default export, with its hooks', async () => {
    const p = createPool({ module: fixture('mp-entrypoint.mjs'), numberOfWorkers: 1, execArgv: [] });
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

describe('module pool (thread): abort signals', () => {
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
      assert.equal(afterwards.threadId, before.threadId, 'a cooperative task does not cost its worker');
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
      assert.notEqual(next.threadId, before.threadId, 'a new thread serves the next call');
      assert.notEqual(next.workerId, before.workerId, 'with a new worker id');
      assert.deepEqual(exits, [before.workerId]);
      assert.equal(p.workers.length, 1);
      assert.equal(p.workers[0].threadId, next.threadId);
    } finally {
      await p.close();
    }
  });
});

describe('module pool (thread): abort signals, more', () => {
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
      assert.notEqual(after.threadId, first.threadId);
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
      assert.equal((await p.runMethod<Who>('whoami')).threadId, who.threadId);
    } finally {
      await p.close();
    }
  });
});

describe('module pool (thread): transfer lists', () => {
  it('moves an ArrayBuffer to the worker (detached in the parent)', async () => {
    const p = pool();
    try {
      const moved = new Uint8Array([1, 2, 3, 4]).buffer;
      const result = await p.addTask({ kind: 'buffer', buffer: moved }, { method: 'task', transfer: [moved] });
      assert.deepEqual(result, { byteLength: 4, sum: 10 });
      assert.equal(moved.byteLength, 0, 'the buffer was transferred, not copied');

      const copied = new Uint8Array([5, 5]).buffer;
      assert.deepEqual(await p.addTask({ kind: 'buffer', buffer: copied }, { method: 'task' }), { byteLength: 2, sum: 10 });
      assert.equal(copied.byteLength, 2, 'without a transfer list the buffer is copied');
    } finally {
      await p.close();
    }
  });
});

describe('module pool (thread): broadcast', () => {
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
      assert.notEqual(whos[0].threadId, whos[1].threadId, 'distinct threads');

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

describe('module pool (thread): hooks', () => {
  it('onWorkerStart runs before calls and onWorkerExit runs on close (exports)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-hooks-'));
    const p = pool({ numberOfWorkers: 2, workerData: { hookDir: dir } });
    const started = collect<{ workerId: number; threadId: number }>(p, 'started');
    try {
      const [startedBy] = await p.broadcastMethod<number>('getStartedBy');
      assert.deepEqual([...startedBy].sort(), [1, 2], 'onWorkerStart ran in each worker before its first call');
      await eventually(() => started.length === 2);
      assert.deepEqual(started.map((m) => m.content.workerId).sort(), [1, 2]);
      assert.deepEqual(started.map((m) => m.workerId).sort(), [1, 2]);
      assert.equal(readFileSync(join(dir, 'start-1'), 'utf8'), '1');
      assert.equal(existsSync(join(dir, 'exit-1')), false, 'no exit hook while running');
      await p.close();
      assert.equal(readFileSync(join(dir, 'exit-1'), 'utf8'), '1');
      assert.equal(readFileSync(join(dir, 'exit-2'), 'utf8'), '2');
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hooks given as properties of the default export (async onWorkerStart awaited)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-hooks-'));
    const p = createPool({ module: fixture('mp-hooks-prop.mjs'), numberOfWorkers: 1, execArgv: [], workerData: { hookDir: dir } });
    const started = nextMessage<number>(p, 'prop-started');
    try {
      assert.deepEqual(await p.run('v'), { x: 'v', started: true }, 'the first call ran after the async hook finished');
      assert.equal(await started, 1);
      await p.close();
      assert.equal(readFileSync(join(dir, 'prop-exit-1'), 'utf8'), 'bye');
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('module pool (thread): messages', () => {
  it('postMessageToPool → onMessage with the sender id, and the message event', async () => {
    const p = pool({ numberOfWorkers: 1 });
    const ticks = collect<number>(p, 'tick');
    const events: unknown[][] = [];
    p.on('message', (worker: { id: number }, type: string, content: unknown) => events.push([worker.id, type, content]));
    try {
      assert.equal(await p.runMethod('emit', 3), 3);
      // Messages sent before the result travel the same channel: they are in by now.
      assert.deepEqual(
        ticks.map((t) => t.content),
        [0, 1, 2],
      );
      assert.deepEqual(new Set(ticks.map((t) => t.workerId)), new Set([1]));
      assert.deepEqual(
        events.filter((e) => e[1] === 'tick'),
        [
          [1, 'tick', 0],
          [1, 'tick', 1],
          [1, 'tick', 2],
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

  it('postMessageToWorkers reaches workerContext.onMessage in every worker', async () => {
    const p = pool({ numberOfWorkers: 2 });
    const pongs = collect<{ content: unknown; workerId: number }>(p, 'pong');
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
    } finally {
      await p.close();
    }
  });

  it('unserializable messages: SerializationError both ways, and the pool keeps serving', async () => {
    const p = pool({ numberOfWorkers: 1 });
    const errors: unknown[] = [];
    p.on('error', (_worker: unknown, error: unknown) => errors.push(error));
    try {
      assert.throws(() => p.postMessageToWorkers('ping', () => 1), SerializationError, 'before the worker exists');
      const before = await p.runMethod<Who>('whoami');
      assert.throws(() => p.postMessageToWorkers('ping', () => 1), SerializationError, 'to a live worker');
      await assert.rejects(p.runMethod('postBad'), SerializationError);
      assert.equal(await p.run(1, 2, 3), 6);
      assert.equal((await p.runMethod<Who>('whoami')).threadId, before.threadId);
      assert.deepEqual(errors, [], 'no worker failed to start because of a message');
    } finally {
      await p.close();
    }
  });

  it('a message sent right after createPool (workers not ready yet) is delivered', async () => {
    const p = pool({ numberOfWorkers: 2 });
    const pongs = collect<{ content: unknown; workerId: number }>(p, 'pong');
    try {
      p.postMessageToWorkers('ping', 'early');
      await p.broadcast(0, 0, 0);
      await eventually(() => pongs.length >= 2, 3000).catch(() => {});
      assert.deepEqual(pongs.map((m) => [m.content.content, m.content.workerId]).sort(), [
        ['early', 1],
        ['early', 2],
      ]);
    } finally {
      await p.close();
    }
  });
});

describe('module pool (thread): options', () => {
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
      assert.equal(new Set(p.workers.map((w) => w.threadId)).size, 2);
    } finally {
      await p.close();
    }
    const one = pool({ numberOfWorkers: 1 });
    try {
      const who = await Promise.all(Array.from({ length: 6 }, () => one.runMethod<Who>('whoami')));
      assert.deepEqual(new Set(who.map((w) => w.threadId)).size, 1, 'one worker serves every call');
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

  it('maxConcurrentCalls: beyond it calls reject with QueueFullError, then the pool serves again', async () => {
    const p = pool({ numberOfWorkers: 1, maxConcurrentCalls: 2 });
    try {
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
      const info = await p.addTask<{ workerData: typeof workerData }>({ kind: 'ctx' }, { method: 'task' });
      assert.deepEqual(info.workerData, workerData);
    } finally {
      await p.close();
    }
  });

  it('env sets the environment of the threads', async () => {
    assert.equal(process.env.MP_THREAD_ENV, undefined);
    const p = pool({ env: { MP_THREAD_ENV: 'from-option' } });
    try {
      assert.equal(await p.runMethod('env', 'MP_THREAD_ENV'), 'from-option');
      assert.equal(await p.runMethod('env', 'PATH'), undefined, 'only the given environment');
    } finally {
      await p.close();
    }
    process.env.MP_THREAD_PARENT = 'inherited';
    const q = pool();
    try {
      assert.equal(await q.runMethod('env', 'MP_THREAD_PARENT'), 'inherited', 'default: the parent environment');
    } finally {
      delete process.env.MP_THREAD_PARENT;
      await q.close();
    }
  });

  it('resourceLimits: a thread over its heap limit dies, the call rejects typed, the pool serves again', async () => {
    const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 }, maxRetries: 0 });
    try {
      const before = await p.runMethod<Who>('whoami');
      await assert.rejects(p.runMethod('hog'), (e: WorkerCrashError) => {
        assert.ok(e instanceof WorkerCrashError, `got ${e?.name}: ${e?.message}`);
        assert.match(e.message, /memory/i);
        assert.equal(e.workerId, before.workerId);
        return true;
      });
      const next = await p.runMethod<Who>('whoami');
      assert.notEqual(next.threadId, before.threadId, 'a new thread replaced the dead one');
      assert.equal(await p.run(1, 2, 3), 6);
    } finally {
      await p.close();
    }
  });

  it('resourceLimits with retries: the crash is retried, then CallMaxRetryError carries the crash', async () => {
    const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 }, maxRetries: 1 });
    try {
      await assert.rejects(p.runMethod('hog'), (e: CallMaxRetryError) => {
        assert.ok(e instanceof CallMaxRetryError, `got ${e?.name}: ${e?.message}`);
        assert.equal(e.attempts, 2);
        assert.ok(e.reason instanceof WorkerCrashError);
        return true;
      });
      assert.equal(await p.run(1, 2, 3), 6);
    } finally {
      await p.close();
    }
  });
});

describe('module pool (thread): lifecycle', () => {
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

  it('close() lets running and queued calls finish, then refuses new calls', async () => {
    const p = pool({ numberOfWorkers: 1 });
    try {
      await p.run(0, 0, 0); // the worker is online
      const running = p.runMethod('sleep', 250, 'running');
      const queued1 = p.runMethod('sleep', 10, 'queued1');
      const queued2 = p.run(1, 2, 3);
      await sleep(50);
      assert.equal(p.stats.running, 1);
      assert.equal(p.stats.queued, 2);
      const closing = p.close();
      await assert.rejects(p.run(1, 1, 1), PoolClosedError, 'no new calls while closing');
      await closing;
      assert.deepEqual(await Promise.all([running, queued1, queued2]), ['running', 'queued1', 6]);
      assert.equal(p.workers.length, 0);
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
      assert.ok(performance.now() - t0 < 1000, 'kill does not wait for the running call');
      assert.equal(p.workers.length, 0);
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

describe('module pool (thread): errors', () => {
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

  it('errors count as failed and the worker survives them all', async () => {
    const who = await p.runMethod<Who>('whoami');
    await assert.rejects(p.runMethod('fail', 'again'));
    await assert.rejects(p.runMethod('nope'));
    await assert.rejects(p.run(() => 0));
    assert.equal((await p.runMethod<Who>('whoami')).threadId, who.threadId, 'ordinary errors do not cost a worker');
  });
});

describe('module pool (thread): load and option errors', () => {
  it('a missing module throws ModuleLoadError synchronously from createPool', () => {
    const missing = join(tmpdir(), 'mp-definitely-missing', 'nope.mjs');
    assert.throws(
      () => createPool({ module: missing }),
      (e: ModuleLoadError) => {
        assert.ok(e instanceof ModuleLoadError);
        assert.match(e.message, /nope\.mjs/);
        return true;
      },
    );
    assert.throws(() => createPool({ module: pathToFileURL(missing) }), ModuleLoadError);
  });

  it('a module with a syntax error: calls reject with ModuleLoadError naming the module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-syntax-'));
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'export default function (a {\n  return a;\n');
    const p = createPool({ module: broken, numberOfWorkers: 1, execArgv: [] });
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
      rmSync(dir, { recursive: true, force: true });
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
    const dir = mkdtempSync(join(tmpdir(), 'mp-throws-'));
    const throwing = join(dir, 'throws.mjs');
    writeFileSync(throwing, "throw new Error('top-level failure');\nexport default () => 1;\n");
    const p = createPool({ module: throwing, numberOfWorkers: 1, execArgv: [] });
    try {
      await assert.rejects(p.run(), (e: ModuleLoadError) => {
        assert.ok(e instanceof ModuleLoadError, `got ${e?.name}: ${e?.message}`);
        assert.match(e.message, /top-level failure/);
        return true;
      });
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('run() on a module with neither a default export nor workerEntrypoint is a MethodNotFoundError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-nodefault-'));
    const named = join(dir, 'named.mjs');
    writeFileSync(named, 'export const twice = (x) => 2 * x;\n');
    const p = createPool({ module: named, numberOfWorkers: 1, execArgv: [] });
    try {
      await assert.rejects(p.run(1), MethodNotFoundError);
      assert.equal(await p.runMethod('twice', 4), 8);
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
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
        () => createPool({ module: ESM, ...options }),
        (e: InvalidOptionError) => {
          assert.ok(e instanceof InvalidOptionError, `${option}: got ${e?.name}: ${e?.message}`);
          assert.equal(e.option, option);
          return true;
        },
        option,
      );
    }
    assert.throws(() => createPool({ module: 42 as unknown as string }), InvalidOptionError);
    assert.throws(() => createPool(undefined as unknown as PoolOptions), InvalidOptionError);
  });
});

describe('module pool (thread): no leaks', () => {
  it('close() leaves no thread behind', async () => {
    const baseline = threadResources();
    const p = pool({ numberOfWorkers: 2 });
    const pongs = collect(p, 'pong');
    const [whos] = await p.broadcastMethod<Who>('whoami');
    assert.equal(whos.length, 2);
    p.postMessageToWorkers('ping', 1);
    await eventually(() => pongs.length === 2);
    await Promise.all([p.run(1, 2, 3), p.runMethod('sleep', 50), p.runMethod('fail', 'x').catch(() => {})]);
    assert.ok(threadResources() > baseline, 'live threads show up as resources');
    await p.close();
    assert.equal(p.workers.length, 0);
    assert.equal(p.stats.workers, 0);
    assert.equal(threadResources(), baseline, `left behind: ${process.getActiveResourcesInfo().join(', ')}`);
  });

  it('close() after a module load failure leaves no thread behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-leak-'));
    const throwing = join(dir, 'throws.mjs');
    writeFileSync(throwing, "throw new Error('load failure');\n");
    const baseline = threadResources();
    try {
      for (let i = 0; i < 2; i++) {
        const p = createPool({ module: throwing, numberOfWorkers: 1, execArgv: [] });
        await assert.rejects(p.run(), ModuleLoadError);
        await p.close();
        assert.equal(p.workers.length, 0);
        assert.equal(threadResources(), baseline, `round ${i}, left behind: ${process.getActiveResourcesInfo().join(', ')}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('close() right after a stuck worker is terminated waits for that thread too', async () => {
    const baseline = threadResources();
    const p = pool({ numberOfWorkers: 1, cancelGracePeriod: 0 });
    try {
      const ac = new AbortController();
      const started = nextMessage(p, 'task-started');
      const stuck = p.addTask({ kind: 'stubborn', id: 's', ms: 2000 }, { method: 'task', signal: ac.signal });
      stuck.catch(() => {});
      await started;
      ac.abort(); // grace 0: the worker is terminated now
      await assert.rejects(stuck, TaskAbortedError);
      await p.close();
      assert.equal(p.workers.length, 0);
      assert.equal(threadResources(), baseline, `left behind: ${process.getActiveResourcesInfo().join(', ')}`);
    } finally {
      await p.kill();
    }
  });

  it('kill() and a replaced worker leave no thread behind either', async () => {
    const baseline = threadResources();
    const p = pool({ numberOfWorkers: 2, cancelGracePeriod: 50 });
    const ac = new AbortController();
    const started = nextMessage(p, 'task-started');
    const stuck = p.addTask({ kind: 'stubborn', id: 's', ms: 3000 }, { method: 'task', signal: ac.signal });
    stuck.catch(() => {});
    await started;
    ac.abort();
    await assert.rejects(stuck, TaskAbortedError);
    await p.broadcast(0, 0, 0);
    const slow = p.runMethod('sleep', 2000);
    slow.catch(() => {});
    await p.kill();
    await assert.rejects(slow, PoolClosedError);
    assert.equal(p.workers.length, 0);
    assert.equal(threadResources(), baseline, `left behind: ${process.getActiveResourcesInfo().join(', ')}`);
  });
});
