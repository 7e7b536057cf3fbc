// The module pool under `runtime: 'process'`: the same API as threads, on forked Node processes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createPool,
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
import { eventually, fixture, pidAlive, sleep } from '../helpers.js';

const ESM = fixture('mp-esm.mjs');

interface Who {
  workerId: number;
  threadId: number;
  pid: number;
}

/**
 * A process pool of `module` (the ESM fixture by default). `fork.execArgv: []` keeps the test
 * runner's `--import tsx` out of the children (a user's would not have it): 4× faster starts.
 */
function pool(options: Partial<PoolOptions> = {}): ModulePool {
  return createPool({ module: ESM, runtime: 'process', numberOfWorkers: 1, fork: { execArgv: [] }, ...options });
}

function collect<T = unknown>(p: ModulePool, type: string): { content: T; workerId: number | string }[] {
  const seen: { content: T; workerId: number | string }[] = [];
  p.onMessage(type, (content, workerId) => seen.push({ content: content as T, workerId }));
  return seen;
}

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

/** Pids of the pool's live workers. */
function pids(p: ModulePool): number[] {
  return p.workers.map((w) => w.pid).filter((pid): pid is number => typeof pid === 'number');
}

describe('module pool (process): calls', () => {
  let p: ModulePool;
  before(() => {
    p = pool({ numberOfWorkers: 2 });
  });
  after(() => p.close());

  it('run() and runMethod(), sync and async, in another process', async () => {
    assert.equal(await p.run(1, 2, 3), 6);
    assert.equal(await p.runMethod('asyncAdd', 40, 2), 42);
    const who = await p.runMethod<Who>('whoami');
    assert.notEqual(who.pid, process.pid, 'runs in a child process');
    assert.ok(pids(p).includes(who.pid), 'the pid is one of pool.workers');
    assert.equal(who.threadId, 0, "a process worker runs on its process's main thread");
  });

  it('parallel calls use both processes', async () => {
    const used = await Promise.all([p.runMethod<number>('track', 150), p.runMethod<number>('track', 150)]);
    assert.deepEqual(used, [1, 1], 'concurrency 1: each process ran one at a time');
    const [whos] = await p.broadcastMethod<Who>('whoami');
    assert.equal(new Set(whos.map((w) => w.pid)).size, 2);
  });

  it('addTask() passes (arg, ctx) and values round-trip through IPC', async () => {
    const info = await p.addTask<{ workerId: number; taskId: number; signalIsAbortSignal: boolean }>({ kind: 'ctx' }, { method: 'task' });
    assert.ok(info.workerId === 1 || info.workerId === 2);
    assert.equal(typeof info.taskId, 'number');
    assert.equal(info.signalIsAbortSignal, true);
    const value = { m: new Map([[1, 'one']]), d: new Date(7), u: new Uint8Array([9]), big: 3n };
    const back = await p.runMethod<typeof value>('sleep', 0, value);
    assert.equal(back.m.get(1), 'one');
    assert.equal(back.d.getTime(), 7);
    assert.deepEqual([...back.u], [9]);
    assert.equal(back.big, 3n);
  });

  it('an ArrayBuffer in a transfer list still arrives intact (IPC copies it)', async () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    assert.deepEqual(await p.addTask({ kind: 'buffer', buffer }, { method: 'task', transfer: [buffer] }), { byteLength: 3, sum: 6 });
  });
});

describe('module pool (process): module formats', () => {
  it('CommonJS (`module.exports = fn; module.exports.foo = …`) and TypeScript modules', async () => {
    const cjs = pool({ module: fixture('mp-cjs.cjs') });
    const ts = pool({ module: fixture('mp-typed.ts') });
    try {
      assert.equal(await cjs.run(6, 7), 42);
      assert.equal(await cjs.runMethod('foo', 'p'), 'foo:p');
      assert.equal(await cjs.runMethod('asyncDouble', 4), 8);
      assert.equal(await cjs.runMethod('whoami'), 1);
      assert.equal(await ts.run(2, 3), 5);
      assert.equal(await ts.runMethod('greet', { first: 'Grace', last: 'Hopper' }), 'Hello, Grace Hopper');
      assert.deepEqual(await ts.runMethod('swap', ['a', 'b']), ['b', 'a']);
    } finally {
      await Promise.all([cjs.close(), ts.close()]);
    }
  });

  it('workerEntrypoint is used when there is no default export', async () => {
    const p = pool({ module: fixture('mp-entrypoint.mjs') });
    const started = nextMessage<number>(p, 'entry-started');
    try {
      assert.deepEqual(await p.run('z'), { via: 'workerEntrypoint', arg: 'z' });
      assert.equal(await started, 1);
    } finally {
      await p.close();
    }
  });
});

describe('module pool (process): abort signals', () => {
  it('a queued task aborted rejects at once and never runs', async () => {
    const p = pool();
    const ran = collect<string>(p, 'ran');
    try {
      await p.run(0, 0, 0);
      const blocker = p.runMethod('sleep', 300, 'blocker');
      const ac = new AbortController();
      const queued = p.addTask({ kind: 'count', id: 'queued' }, { method: 'task', signal: ac.signal });
      await sleep(30);
      const t0 = performance.now();
      ac.abort();
      await assert.rejects(queued, TaskAbortedError);
      assert.ok(performance.now() - t0 < 100);
      assert.equal(await blocker, 'blocker');
      assert.equal(await p.addTask({ kind: 'count', id: 'after' }, { method: 'task' }), 'after');
      await sleep(30);
      assert.deepEqual(
        ran.map((m) => m.content),
        ['after'],
      );
    } finally {
      await p.close();
    }
  });

  it('a running task aborted: rejects at once and its signal fires in the process', async () => {
    const p = pool();
    try {
      const before = await p.runMethod<Who>('whoami');
      const ac = new AbortController();
      const started = nextMessage<{ id: string }>(p, 'task-started', (m) => m.id === 'coop');
      const aborted = nextMessage<{ id: string; aborted: boolean }>(p, 'task-aborted', (m) => m.id === 'coop');
      const running = p.addTask({ kind: 'cooperative', id: 'coop' }, { method: 'task', signal: ac.signal });
      await started;
      ac.abort();
      await assert.rejects(running, TaskAbortedError);
      assert.equal((await aborted).aborted, true);
      await sleep(30);
      assert.equal((await p.runMethod<Who>('whoami')).pid, before.pid, 'the process is kept');
    } finally {
      await p.close();
    }
  });

  it('a running task that ignores its signal gets its process killed and replaced', async () => {
    const p = pool({ cancelGracePeriod: 150 });
    try {
      const before = await p.runMethod<Who>('whoami');
      const ac = new AbortController();
      const started = nextMessage(p, 'task-started');
      const t0 = performance.now();
      const running = p.addTask({ kind: 'stubborn', id: 's', ms: 8000 }, { method: 'task', signal: ac.signal });
      await started;
      ac.abort();
      await assert.rejects(running, TaskAbortedError);
      const next = await p.runMethod<Who>('whoami');
      assert.ok(performance.now() - t0 < 5000, 'not waited for');
      assert.notEqual(next.pid, before.pid, 'a new process serves the next call');
      assert.notEqual(next.workerId, before.workerId);
      await eventually(() => !pidAlive(before.pid), 2000);
    } finally {
      await p.close();
    }
  });
});

describe('module pool (process): broadcast, hooks, messages', () => {
  it('broadcast / broadcastMethod reach every process and report failures', async () => {
    const p = pool({ numberOfWorkers: 2 });
    try {
      assert.deepEqual(await p.broadcast(1, 2, 3), [[6, 6], []]);
      const [whos, none] = await p.broadcastMethod<Who>('whoami');
      assert.deepEqual(none, []);
      assert.deepEqual(whos.map((w) => w.workerId).sort(), [1, 2]);
      assert.equal(new Set(whos.map((w) => w.pid)).size, 2, 'distinct processes');
      assert.deepEqual(new Set(whos.map((w) => w.pid)), new Set(pids(p)));
      const [ok, failed] = await p.broadcastMethod('failOn', 2);
      assert.deepEqual(ok, [1]);
      assert.equal(failed.length, 1);
      assert.equal(failed[0].message, 'refused on worker 2');
    } finally {
      await p.close();
    }
  });

  it('onWorkerStart / onWorkerExit run in each process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-proc-hooks-'));
    const p = pool({ numberOfWorkers: 2, workerData: { hookDir: dir } });
    const started = collect<{ workerId: number; pid: number }>(p, 'started');
    try {
      const [by] = await p.broadcastMethod<number>('getStartedBy');
      assert.deepEqual([...by].sort(), [1, 2]);
      await eventually(() => started.length === 2);
      assert.deepEqual(new Set(started.map((m) => m.content.pid)), new Set(pids(p)));
      assert.equal(existsSync(join(dir, 'exit-1')), false);
      await p.close();
      assert.equal(readFileSync(join(dir, 'exit-1'), 'utf8'), '1');
      assert.equal(readFileSync(join(dir, 'exit-2'), 'utf8'), '2');
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('messages both ways, including one sent right after createPool', async () => {
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
        'the early message reached both processes',
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
});

describe('module pool (process): options', () => {
  it('workerData, fork.env and concurrency', async () => {
    const workerData = { x: [1, 2], when: new Date(3) };
    const p = pool({ workerData, concurrency: 3, fork: { execArgv: [], env: { MP_PROC_ENV: 'forked' } } });
    try {
      assert.deepEqual(await p.runMethod('data'), workerData);
      assert.equal(await p.runMethod('env', 'MP_PROC_ENV'), 'forked');
      assert.equal(await p.runMethod('env', 'PATH'), undefined);
      await Promise.all([p.runMethod('track', 200), p.runMethod('track', 200), p.runMethod('track', 200)]);
      assert.equal(await p.runMethod('peak'), 3, 'three calls overlapped in one process');
    } finally {
      await p.close();
    }
  });

  it('the top-level env reaches process workers unless fork.env is given', async () => {
    const p = pool({ env: { MP_PROC_ENV: 'top-level' } });
    const q = pool({ env: { MP_PROC_ENV: 'top-level' }, fork: { execArgv: [], env: { MP_PROC_ENV: 'forked' } } });
    try {
      assert.equal(await p.runMethod('env', 'MP_PROC_ENV'), 'top-level');
      assert.equal(await p.runMethod('env', 'PATH'), undefined, 'the given env replaces the parent environment');
      assert.equal(await q.runMethod('env', 'MP_PROC_ENV'), 'forked');
    } finally {
      await Promise.all([p.close(), q.close()]);
    }
  });

  it('maxConcurrentCalls → QueueFullError, then serving again; stats count it all', async () => {
    const p = pool({ maxConcurrentCalls: 2 });
    try {
      await p.run(0, 0, 0);
      const a = p.runMethod('sleep', 150, 'a');
      const b = p.runMethod('sleep', 1, 'b');
      await sleep(30);
      assert.equal(p.stats.running, 1);
      assert.equal(p.stats.queued, 1);
      await assert.rejects(p.run(1, 1, 1), QueueFullError);
      assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
      assert.equal(await p.run(1, 2, 3), 6);
      await assert.rejects(p.runMethod('fail', 'x'));
      const s = p.stats;
      assert.equal(s.completed, 4);
      assert.equal(s.failed, 1, 'the thrown error (a call refused with QueueFullError never became a task)');
      assert.equal(s.workers, 1);
      assert.equal(s.running + s.queued, 0);
    } finally {
      await p.close();
    }
  });
});

describe('module pool (process): errors', () => {
  let p: ModulePool;
  before(() => {
    p = pool();
  });
  after(() => p.close());

  async function serves() {
    assert.equal(await p.run(1, 1, 1), 3);
  }

  it('a thrown error keeps its class, name, message, stack and own props', async () => {
    await assert.rejects(p.runMethod('fail', 'proc boom'), (e: RangeError & { code?: string; detail?: unknown }) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, 'proc boom');
      assert.equal(e.code, 'E_CUSTOM');
      assert.deepEqual(e.detail, { n: 1, list: ['a', 'b'] });
      assert.match(e.stack ?? '', /mp-esm\.mjs/);
      return true;
    });
    await assert.rejects(p.runMethod('failAsync', 'bad'), { name: 'ValidationError', message: 'bad', field: 'email' });
    await serves();
  });

  it('missing method and non-function export are MethodNotFoundError', async () => {
    await assert.rejects(p.runMethod('nothingHere'), (e: MethodNotFoundError) => e instanceof MethodNotFoundError && /nothingHere/.test(e.message));
    await assert.rejects(p.runMethod('notAFunction'), MethodNotFoundError);
    await serves();
  });

  it('unserializable arguments and results are SerializationError', async () => {
    await assert.rejects(
      p.run(() => 1),
      SerializationError,
    );
    await serves();
    await assert.rejects(p.runMethod('returnsFunction'), SerializationError);
    await serves();
  });

  it('the process survives ordinary errors', async () => {
    const who = await p.runMethod<Who>('whoami');
    await assert.rejects(p.runMethod('fail', 'x'));
    await assert.rejects(p.runMethod('throwString'), /just a string/);
    assert.equal((await p.runMethod<Who>('whoami')).pid, who.pid);
  });

  it('a missing module throws ModuleLoadError synchronously; a broken one rejects calls with it', async () => {
    assert.throws(() => pool({ module: join(tmpdir(), 'mp-missing-dir', 'gone.mjs') }), ModuleLoadError);
    const dir = mkdtempSync(join(tmpdir(), 'mp-proc-syntax-'));
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'export default (a => {\n');
    const bad = pool({ module: broken });
    try {
      await assert.rejects(bad.run(1), (e: ModuleLoadError) => {
        assert.ok(e instanceof ModuleLoadError, `got ${e?.name}: ${e?.message}`);
        assert.match(e.message, /broken\.mjs/);
        return true;
      });
      await bad.close();
      assert.equal(bad.workers.length, 0);
    } finally {
      await bad.kill();
      rmSync(dir, { recursive: true, force: true });
    }
    await serves();
  });

  it('a process that exits mid-call rejects the call with WorkerCrashError (maxRetries 0) and is replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-proc-exit-'));
    const exiting = join(dir, 'exits.mjs');
    writeFileSync(exiting, 'export default () => process.exit(3);\nexport const pid = () => process.pid;\n');
    const q = pool({ module: exiting, maxRetries: 0 });
    try {
      const first = await q.runMethod<number>('pid');
      await assert.rejects(q.run(), (e: WorkerCrashError) => {
        assert.ok(e instanceof WorkerCrashError, `got ${e?.name}: ${e?.message}`);
        assert.equal(e.exitCode, 3);
        return true;
      });
      const second = await q.runMethod<number>('pid');
      assert.notEqual(second, first);
      assert.equal(pidAlive(first), false);
    } finally {
      await q.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('module pool (process): lifecycle and leaks', () => {
  it('close() lets running and queued calls finish, then no pid is alive', async () => {
    const p = pool({ numberOfWorkers: 2 });
    try {
      await p.broadcast(0, 0, 0);
      const live = pids(p);
      assert.equal(live.length, 2);
      for (const pid of live) assert.equal(pidAlive(pid), true);
      const calls = [p.runMethod('sleep', 200, 'a'), p.runMethod('sleep', 200, 'b'), p.runMethod('sleep', 10, 'c')];
      await sleep(30);
      await p.close();
      assert.deepEqual(await Promise.all(calls), ['a', 'b', 'c']);
      assert.equal(p.workers.length, 0);
      for (const pid of live) assert.equal(pidAlive(pid), false, `pid ${pid} is still alive after close()`);
      await assert.rejects(p.run(1, 1, 1), PoolClosedError);
    } finally {
      await p.kill();
    }
  });

  it('kill() rejects running and queued calls and no pid is alive', async () => {
    const p = pool();
    try {
      await p.run(0, 0, 0);
      const live = pids(p);
      const running = p.runMethod('sleep', 3000);
      const queued = p.runMethod('sleep', 1);
      running.catch(() => {});
      queued.catch(() => {});
      await sleep(30);
      const t0 = performance.now();
      await p.kill();
      await assert.rejects(running, PoolClosedError);
      await assert.rejects(queued, PoolClosedError);
      assert.ok(performance.now() - t0 < 1500);
      for (const pid of live) assert.equal(pidAlive(pid), false);
    } finally {
      await p.kill();
    }
  });

  it('close() after a module load failure leaves no process behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-proc-leak-'));
    const throwing = join(dir, 'throws.mjs');
    const pidFile = join(dir, 'pid');
    writeFileSync(
      throwing,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nthrow new Error('load failure');\n`,
    );
    const p = pool({ module: throwing });
    try {
      await assert.rejects(p.run(), ModuleLoadError);
      await p.close();
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(pid > 0);
      assert.equal(pidAlive(pid), false, `pid ${pid} alive after close()`);
    } finally {
      await p.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
