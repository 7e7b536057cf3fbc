// Durability (issue 3): crashed workers are replaced and their calls retried, poison tasks give
// CallMaxRetryError after exactly 1 + maxRetries attempts, timeouts, ttl recycling, idle reaping,
// killTimeout, killAll() and no child process left behind — in both runtimes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CallMaxRetryError,
  killAll,
  type ModulePool,
  type ModuleWorker,
  PoolClosedError,
  type PoolOptions,
  type Runtime,
  TimeoutError,
  WorkerCrashError,
} from 'workforcejs';
import { running as isRunning } from '../chaos/proc.js';
import { eventually, fixture, pidAlive, RUNTIMES, sleep, tempDirs } from '../helpers.js';
import { durPool, identity, nextMessage, type Who } from './pools.js';

const PARENT = fixture('dur-parent.mjs');

interface Tagged<T = unknown> extends Who {
  value: T;
}

/** A fresh temporary directory (attempt counters, hook markers). */
const tmp = tempDirs('workforce-dur-');

/** Attempts the fixture counted in `dir`. */
function attempts(dir: string, name = 'attempts'): number {
  const file = join(dir, name);
  return existsSync(file) ? readFileSync(file, 'utf8').length : 0;
}

interface Tracked {
  pool: ModulePool;
  /** Every worker that came online, in order. */
  online: ModuleWorker[];
  /** Every worker that exited: [worker, code, signal]. */
  exits: [ModuleWorker, number | null, string | null][];
  /** Pids of every process worker seen. */
  pids: Set<number>;
}

/** A pool of dur-worker.mjs (see durPool), tracked. */
function pool(runtime: Runtime, options: Partial<PoolOptions> = {}): Tracked {
  const p = durPool(runtime, options);
  const t: Tracked = { pool: p, online: [], exits: [], pids: new Set() };
  p.on('online', (w: ModuleWorker) => {
    t.online.push(w);
    if (w.pid !== undefined) t.pids.add(w.pid);
  });
  p.on('exit', (w: ModuleWorker, code: number | null, signal: string | null) => t.exits.push([w, code, signal]));
  return t;
}

/** Closes the pool, then checks that no worker it ever had is still running. */
async function closeAndCheck(t: Tracked): Promise<void> {
  await t.pool.close();
  assert.equal(t.pool.workers.length, 0);
  for (const w of t.online) assert.equal(w.active, false, `worker ${w.id} still active after close`);
  for (const pid of t.pids) assert.ok(!isRunning(pid), `process ${pid} survived close()`);
}

const CRASH_MODES: Record<Runtime, string[]> = { thread: ['exit', 'throw'], process: ['exit', 'throw', 'sigkill'], inline: [] };

/** One suite per runtime; the two runtimes run side by side (each test has its own pool). */
function durability(runtime: Runtime): void {
  describe(`durability (${runtime}): crashes are retried`, () => {
    if (runtime === 'process') {
      it('a worker SIGKILLed mid-task is replaced and the task still resolves', async () => {
        const t = pool(runtime);
        const dir = tmp();
        try {
          const started = nextMessage<{ pid: number }>(t.pool, 'started');
          const call = t.pool.runMethod<{ value: string; attempt: number; pid: number }>('crashFirst', dir, 'hang', 'survived');
          const { pid } = await started;
          assert.equal(pid, t.pool.workers[0].pid);
          process.kill(pid, 'SIGKILL');
          const result = await call;
          assert.equal(result.value, 'survived');
          assert.equal(result.attempt, 2);
          assert.notEqual(result.pid, pid, 'retried on a fresh process');
          assert.equal(attempts(dir), 2);
          await eventually(() => !isRunning(pid), 2000);
          const killed = t.exits.find(([w]) => w.pid === pid);
          assert.ok(killed, 'exit event for the killed worker');
          assert.deepEqual(killed.slice(1), [null, 'SIGKILL']);
        } finally {
          await closeAndCheck(t);
        }
      });
    }

    for (const mode of CRASH_MODES[runtime]) {
      it(`a task whose worker dies (${mode}) mid-task is retried on a fresh worker`, async () => {
        const t = pool(runtime);
        const dir = tmp();
        try {
          const before = await t.pool.runMethod<Who>('whoami');
          const result = await t.pool.runMethod<{ value: string; attempt: number } & Who>('crashFirst', dir, mode, 'ok');
          assert.equal(result.value, 'ok');
          assert.equal(result.attempt, 2);
          assert.notEqual(identity(runtime, result), identity(runtime, before), 'a new worker ran the retry');
          assert.notEqual(result.workerId, before.workerId);
          assert.equal(t.exits.length, 1);
          assert.equal(t.pool.workers.length, 1, 'the dead worker was replaced, the pool size kept');
          assert.equal(await t.pool.run('still serving'), 'still serving');
        } finally {
          await closeAndCheck(t);
        }
      });
    }

    it('a crash re-queues every call the worker held (concurrency 3), none lost', async () => {
      const t = pool(runtime, { concurrency: 3 });
      const dir = tmp();
      try {
        const others = [1, 2].map((i) => t.pool.runMethod<Tagged<number>>('tagged', i, 300));
        const crashing = t.pool.runMethod<{ value: string }>('crashFirst', dir, 'exit', 'x');
        const results = await Promise.all(others);
        assert.deepEqual(
          results.map((r) => r.value),
          [1, 2],
        );
        assert.equal((await crashing).value, 'x');
        assert.equal(t.exits.length, 1);
      } finally {
        await closeAndCheck(t);
      }
    });
  });

  describe(`durability (${runtime}): retry limits`, () => {
    const mode = runtime === 'process' ? 'sigkill' : 'exit';

    it(`a poison task (${mode}) rejects with CallMaxRetryError after exactly maxRetries + 1 attempts`, async () => {
      const t = pool(runtime, { maxRetries: 2 });
      const dir = tmp();
      try {
        await assert.rejects(t.pool.runMethod('poison', dir, mode), (e: CallMaxRetryError) => {
          assert.ok(e instanceof CallMaxRetryError, `got ${(e as Error).name}: ${(e as Error).message}`);
          assert.equal(e.attempts, 3);
          assert.ok(e.reason instanceof WorkerCrashError, 'reason is the last crash');
          const reason = e.reason as WorkerCrashError;
          if (runtime === 'process') {
            assert.equal(reason.signal, 'SIGKILL');
            assert.equal(reason.exitCode, null);
            assert.equal(typeof reason.pid, 'number');
          } else {
            assert.equal(reason.exitCode, 7);
            assert.equal(reason.signal, null);
          }
          assert.notEqual(reason.workerId, undefined);
          assert.equal(typeof reason.taskId, 'number');
          assert.equal(e.taskId, reason.taskId);
          return true;
        });
        assert.equal(attempts(dir), 3, 'exactly 1 + maxRetries attempts ran');
        assert.equal(t.exits.length, 3, 'each attempt killed its worker');
        assert.equal(await t.pool.run(42), 42, 'the pool still serves');
      } finally {
        await closeAndCheck(t);
      }
    });

    it(`a crashed call with a transfer list: ${runtime === 'thread' ? 'not retried (its buffer moved to the dead thread)' : 'retried with its buffer (a process gets a copy)'}`, async () => {
      const t = pool(runtime, { maxRetries: 3 });
      const dir = tmp();
      try {
        const buf = new Uint8Array(1024).fill(7).buffer;
        const call = t.pool.addTask({ dir, buf }, { method: 'crashFirstWithBuffer', transfer: [buf] });
        if (runtime === 'thread') {
          await assert.rejects(call, (e: WorkerCrashError) => e instanceof WorkerCrashError && e.exitCode === 7);
          assert.equal(attempts(dir), 1, 'never re-sent with a detached buffer');
        } else {
          assert.equal(await call, 1024);
          assert.equal(attempts(dir), 2);
        }
        assert.equal(await t.pool.run('still serving'), 'still serving');
      } finally {
        await closeAndCheck(t);
      }
    });

    it('the default maxRetries is 3: a poison task runs 4 times', async () => {
      const t = pool(runtime);
      const dir = tmp();
      try {
        await assert.rejects(t.pool.runMethod('poison', dir, 'throw'), (e: CallMaxRetryError) => {
          assert.ok(e instanceof CallMaxRetryError);
          assert.equal(e.attempts, 4);
          const reason = e.reason as WorkerCrashError;
          assert.ok(reason instanceof WorkerCrashError);
          assert.equal(reason.exitCode, 1);
          assert.match(reason.message, /uncaught in the worker/);
          return true;
        });
        assert.equal(attempts(dir), 4);
      } finally {
        await closeAndCheck(t);
      }
    });

    it('maxRetries 0: the crash itself rejects the call (WorkerCrashError), one attempt', async () => {
      const t = pool(runtime, { maxRetries: 0 });
      const dir = tmp();
      try {
        await assert.rejects(t.pool.runMethod('poison', dir, 'exit'), (e: WorkerCrashError) => {
          assert.ok(e instanceof WorkerCrashError, `got ${(e as Error).name}`);
          assert.equal(e.exitCode, 7);
          assert.equal(e.signal, null);
          assert.equal(typeof e.taskId, 'number');
          assert.notEqual(e.workerId, undefined);
          if (runtime === 'process') assert.equal(typeof e.pid, 'number');
          return true;
        });
        assert.equal(attempts(dir), 1);
        assert.equal(await t.pool.run('next'), 'next');
      } finally {
        await closeAndCheck(t);
      }
    });

    it('an ordinary thrown error is not retried', async () => {
      const t = pool(runtime, { maxRetries: 3 });
      const dir = tmp();
      try {
        await assert.rejects(t.pool.runMethod('fails', dir), (e: RangeError & { attempt?: number }) => {
          assert.equal(e.name, 'RangeError');
          assert.equal(e.message, 'ordinary failure #1');
          assert.equal(e.attempt, 1);
          return true;
        });
        assert.equal(attempts(dir), 1);
        assert.equal(t.exits.length, 0, 'the worker is not replaced for an ordinary error');
      } finally {
        await closeAndCheck(t);
      }
    });

    it('retryOnError: ordinary errors are retried up to maxRetries', async () => {
      const t = pool(runtime, { maxRetries: 2, retryOnError: true });
      const dir = tmp();
      const dir2 = tmp();
      try {
        await assert.rejects(t.pool.runMethod('fails', dir), (e: CallMaxRetryError) => {
          assert.ok(e instanceof CallMaxRetryError, `got ${(e as Error).name}`);
          assert.equal(e.attempts, 3);
          assert.equal((e.reason as Error).name, 'RangeError');
          assert.equal((e.reason as Error).message, 'ordinary failure #3', 'reason is the last error');
          return true;
        });
        assert.equal(attempts(dir), 3);
        assert.equal(await t.pool.runMethod('failsUntil', dir2, 2), 3, 'succeeds on the third attempt');
        assert.equal(attempts(dir2), 3);
        assert.equal(t.exits.length, 0);
      } finally {
        await closeAndCheck(t);
      }
    });
  });

  describe(`durability (${runtime}): timeouts`, () => {
    it('a call past `timeout` rejects with TimeoutError and a fresh worker serves the next call', async () => {
      const t = pool(runtime, { timeout: 300, maxRetries: 0, cancelGracePeriod: 100 });
      const dir = tmp();
      try {
        const before = await t.pool.runMethod<Who>('whoami');
        const t0 = performance.now();
        await assert.rejects(t.pool.runMethod('stubborn', dir, 10_000), (e: TimeoutError) => {
          assert.ok(e instanceof TimeoutError, `got ${(e as Error).name}`);
          assert.equal(e.timeout, 300);
          return true;
        });
        const took = performance.now() - t0;
        assert.ok(took >= 280 && took < 2000, `rejected after ${took} ms`);
        const next = await t.pool.runMethod<Who>('whoami');
        assert.notEqual(identity(runtime, next), identity(runtime, before), 'the stuck worker was replaced');
        assert.notEqual(next.workerId, before.workerId);
        assert.equal(t.exits.length, 1);
        assert.equal(t.exits[0][0].id, before.workerId);
        if (runtime === 'process') await eventually(() => !isRunning(before.pid), 2000);
      } finally {
        await closeAndCheck(t);
      }
    });

    it('by default a timed-out call is not retried (also with maxRetries 3 and retryOnError): TimeoutError after one attempt', async () => {
      const t = pool(runtime, { timeout: 200, maxRetries: 3, retryOnError: true, cancelGracePeriod: 50 });
      const dir = tmp();
      try {
        // retried, it would reject with CallMaxRetryError after 4 attempts
        await assert.rejects(t.pool.runMethod('stubborn', dir, 10_000), (e: TimeoutError) => {
          assert.ok(e instanceof TimeoutError, `got ${(e as Error).name}`);
          assert.equal(e.timeout, 200);
          return true;
        });
        await t.pool.whenIdle(); // the stubborn attempt is ended; a retry would have started by now
        assert.equal(attempts(dir), 1);
        assert.equal(await t.pool.run('fine'), 'fine');
      } finally {
        await closeAndCheck(t);
      }
    });

    it('with retryOnTimeout a timed-out call is retried per maxRetries, then CallMaxRetryError with a TimeoutError reason', async () => {
      const t = pool(runtime, { timeout: 200, retryOnTimeout: true, maxRetries: 1, cancelGracePeriod: 50 });
      const dir = tmp();
      try {
        await assert.rejects(t.pool.runMethod('stubborn', dir, 10_000), (e: CallMaxRetryError) => {
          assert.ok(e instanceof CallMaxRetryError, `got ${(e as Error).name}`);
          assert.equal(e.attempts, 2);
          assert.ok(e.reason instanceof TimeoutError);
          return true;
        });
        assert.equal(attempts(dir), 2);
        assert.equal(await t.pool.run('fine'), 'fine');
      } finally {
        await closeAndCheck(t);
      }
    });

    it('the retry of a timed-out call starts only once the first attempt was stopped (never two at once)', async () => {
      const t = pool(runtime, { numberOfWorkers: 2, timeout: 200, retryOnTimeout: true, maxRetries: 1, cancelGracePeriod: 300 });
      const dir = tmp();
      try {
        await t.pool.broadcastMethod('whoami'); // both workers online: the retry could start at once
        const t0 = Date.now();
        await assert.rejects(t.pool.runMethod('stampedStubborn', dir, 10_000), CallMaxRetryError);
        const starts = readFileSync(join(dir, 'starts'), 'utf8').trim().split('\n').map(Number);
        assert.equal(starts.length, 2);
        // attempt 1 times out at 200 ms and, ignoring its signal, is ended 300 ms later
        assert.ok(starts[1] - t0 >= 450, `the retry started ${starts[1] - t0} ms in, before the first attempt was ended`);
      } finally {
        await closeAndCheck(t);
      }
    });

    it('a cooperative task that watches workerContext.signal stops by itself: its worker is kept', async () => {
      const t = pool(runtime, { timeout: 250, maxRetries: 0, cancelGracePeriod: 3000 });
      try {
        const before = await t.pool.runMethod<Who>('whoami');
        const aborted = nextMessage<{ reason: string; pid: number; threadId: number }>(t.pool, 'aborted');
        await assert.rejects(t.pool.runMethod('cooperative', 10_000), TimeoutError);
        const seen = await aborted;
        assert.equal(identity(runtime, seen as unknown as Who), identity(runtime, before), 'the signal fired in the worker that ran it');
        const next = await t.pool.runMethod<Who>('whoami');
        assert.deepEqual(next, before, 'the same worker serves the next call');
        assert.equal(t.exits.length, 0, 'no worker was ended');
      } finally {
        await closeAndCheck(t);
      }
    });
  });

  describe(`durability (${runtime}): recycling`, () => {
    it('ttl recycles workers with many queued calls and loses nothing', async () => {
      const t = pool(runtime, { numberOfWorkers: 2, ttl: 3 });
      const ttlEvents: ModuleWorker[] = [];
      t.pool.on('ttl', (w: ModuleWorker) => ttlEvents.push(w));
      try {
        const inputs = Array.from({ length: 14 }, (_, i) => i);
        const results = await Promise.all(inputs.map((i) => t.pool.runMethod<Tagged<number>>('tagged', i, 5)));
        assert.deepEqual(
          results.map((r) => r.value),
          inputs,
          'every call answered with its own input',
        );
        const perWorker = new Map<number, number>();
        for (const r of results) perWorker.set(r.workerId, (perWorker.get(r.workerId) ?? 0) + 1);
        assert.ok(perWorker.size >= 5, `14 calls at ttl 3 need ≥ 5 workers, used ${perWorker.size}`);
        for (const [id, n] of perWorker) assert.ok(n <= 3, `worker ${id} ran ${n} calls with ttl 3`);
        assert.ok(ttlEvents.length >= 4, `ttl events: ${ttlEvents.length}`);
        for (const w of ttlEvents) assert.equal(perWorker.get(w.id as number), 3, `worker ${w.id} reached its ttl`);
        const identities = new Set(results.map((r) => identity(runtime, r)));
        assert.equal(identities.size, perWorker.size, 'each worker id is a distinct thread/process');
        await eventually(() => t.exits.length >= ttlEvents.length, 3000);
      } finally {
        await closeAndCheck(t);
      }
    });

    it('maxIdleTime ends an idle worker (idle event) and replaces it', async () => {
      const t = pool(runtime, { maxIdleTime: 250 });
      const idle: ModuleWorker[] = [];
      t.pool.on('idle', (w: ModuleWorker) => idle.push(w));
      try {
        const first = await t.pool.runMethod<Who>('whoami');
        await eventually(() => idle.length > 0, 3000);
        assert.equal(idle[0].id, first.workerId);
        await eventually(() => t.exits.some(([w]) => w.id === first.workerId), 3000);
        await eventually(() => t.online.length >= 2, 3000);
        assert.equal(t.online[1].id !== first.workerId, true);
        const next = await t.pool.runMethod<Who>('whoami');
        assert.notEqual(next.workerId, first.workerId);
        assert.notEqual(identity(runtime, next), identity(runtime, first));
        assert.ok(t.pool.workers.length <= 1, 'the pool size is kept');
      } finally {
        await closeAndCheck(t);
      }
    });
  });

  describe(`durability (${runtime}): idle reaping`, () => {
    it('a fixed-size idle pool does not churn: a worker that never ran a call is not reaped', async () => {
      const t = pool(runtime, { maxIdleTime: 30 });
      try {
        await t.pool.runMethod('whoami'); // worker 1 ran a call: it is reaped and replaced once
        await eventually(() => t.online.length >= 2, 5000);
        await sleep(600); // 20 idle periods: a churning pool would start more
        assert.equal(t.online.length, 2, `workers started while idle: ${t.online.map((w) => w.id)}`);
        assert.equal(t.pool.workers.length, 1);
      } finally {
        await closeAndCheck(t);
      }
    });
  });

  describe(`durability (${runtime}): killTimeout, close and kill`, () => {
    it('close() runs onWorkerExit and ends the worker gracefully (exit code 0)', async () => {
      const dir = tmp();
      const t = pool(runtime, { killTimeout: 5000, workerData: { dir } });
      const who = await t.pool.runMethod<Who>('whoami');
      const t0 = performance.now();
      await closeAndCheck(t);
      const took = performance.now() - t0;
      assert.ok(took < 2000, `graceful close took ${took} ms`);
      assert.ok(existsSync(join(dir, `exit-${who.workerId}`)), 'onWorkerExit ran');
      assert.deepEqual(
        t.exits.map(([, code]) => code),
        [0],
      );
    });

    it('close() right after createPool lets the starting workers come online, then ends them gracefully', async () => {
      const dir = tmp();
      const t = pool(runtime, { numberOfWorkers: 2, killTimeout: 5000, workerData: { dir } });
      await closeAndCheck(t);
      assert.deepEqual(
        t.exits.map(([, code, signal]) => [code, signal]),
        [
          [0, null],
          [0, null],
        ],
        'no worker was killed mid-start',
      );
      for (const id of [1, 2]) assert.ok(existsSync(join(dir, `exit-${id}`)), `onWorkerExit ran in worker ${id}`);
    });

    it('a worker whose onWorkerExit hangs is killed after killTimeout', async () => {
      const dir = tmp();
      const t = pool(runtime, { killTimeout: 400, workerData: { dir, hang: true } });
      const who = await t.pool.runMethod<Who>('whoami');
      const t0 = performance.now();
      await closeAndCheck(t);
      const took = performance.now() - t0;
      assert.ok(took >= 350 && took < 2500, `close() took ${took} ms with killTimeout 400`);
      assert.ok(existsSync(join(dir, `exit-${who.workerId}`)), 'onWorkerExit started');
      assert.equal(t.exits.length, 1);
      const [, code, signal] = t.exits[0];
      if (runtime === 'process') assert.equal(signal, 'SIGKILL');
      else assert.equal(code, 1, 'a terminated thread exits with code 1');
    });

    it('kill() does not wait for killTimeout and rejects running calls', async () => {
      const dir = tmp();
      const t = pool(runtime, { numberOfWorkers: 2, killTimeout: 5000, workerData: { dir, hang: true } });
      await t.pool.broadcastMethod('whoami');
      const running = [t.pool.runMethod('sleep', 5000), t.pool.runMethod('sleep', 5000), t.pool.runMethod('sleep', 10)];
      for (const r of running) r.catch(() => {});
      await sleep(100);
      const t0 = performance.now();
      await t.pool.kill();
      const took = performance.now() - t0;
      assert.ok(took < 1500, `kill() took ${took} ms`);
      for (const r of running) await assert.rejects(r, PoolClosedError);
      assert.equal(t.pool.workers.length, 0);
      for (const pid of t.pids) assert.ok(!isRunning(pid), `process ${pid} survived kill()`);
      for (const w of t.online) assert.equal(w.active, false);
      await assert.rejects(t.pool.run(1), PoolClosedError);
    });

    it('no worker ever seen survives close(), after crashes, timeouts and recycling', async () => {
      const t = pool(runtime, { numberOfWorkers: 2, ttl: 2, timeout: 600, retryOnTimeout: true, cancelGracePeriod: 50, maxRetries: 1 });
      try {
        const dir = tmp();
        const calls = [
          ...Array.from({ length: 6 }, (_, i) => t.pool.runMethod('tagged', i)),
          t.pool.runMethod('crashFirst', dir, 'exit', 'c'),
          t.pool.runMethod('stubborn', tmp(), 5000).catch((e) => e),
        ];
        const results = await Promise.all(calls);
        assert.ok(results.at(-1) instanceof CallMaxRetryError);
        assert.ok(t.online.length >= 5, `workers seen: ${t.online.length}`);
        if (runtime === 'process') assert.ok(t.pids.size >= 5);
      } finally {
        await closeAndCheck(t);
      }
    });
  });
}

describe('durability', { concurrency: 2 }, () => {
  for (const runtime of RUNTIMES) describe(runtime, () => durability(runtime));
});

// killAll() ends every pool of this process: it runs alone, after the suites above.
describe('killAll()', () => {
  it('kills every pool of the process, in both runtimes', async () => {
    const pools = RUNTIMES.map((runtime) => pool(runtime, { killTimeout: 5000 }));
    try {
      const running = pools.map((t) => t.pool.runMethod('sleep', 5000, 'never'));
      for (const r of running) r.catch(() => {});
      await eventually(() => pools.every((t) => t.online.length === 1 && t.pool.stats.running === 1), 5000);
      const t0 = performance.now();
      await killAll();
      assert.ok(performance.now() - t0 < 1500, 'killAll() does not wait for killTimeout');
      for (const r of running) await assert.rejects(r, PoolClosedError);
      for (const t of pools) {
        assert.equal(t.pool.workers.length, 0);
        for (const w of t.online) assert.equal(w.active, false);
        for (const pid of t.pids) assert.ok(!isRunning(pid), `process ${pid} survived killAll()`);
        await assert.rejects(t.pool.run(1), PoolClosedError);
      }
      await killAll(); // nothing left: resolves
    } finally {
      await Promise.all(pools.map((t) => t.pool.kill()));
    }
  });
});

describe('a parent that ends without closing its process pool leaves no child behind', () => {
  /** Starts dur-parent.mjs in `mode`; resolves with the child pids it printed and its exit. */
  function parent(mode: string): Promise<{ pids: number[]; results: Tagged[]; exited: Promise<number | null>; kill: () => void; go: () => void }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [PARENT, mode, 'process'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      let out = '';
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n')[0];
        if (out.includes('\n')) resolve({ ...JSON.parse(line), exited, kill: () => child.kill('SIGKILL'), go: () => child.stdin.end('go\n') });
      });
      void exited.then((code) => reject(new Error(`parent exited (${code}) before printing: ${err}`)));
      setTimeout(() => reject(new Error(`parent printed nothing within 10 s: ${err}`)), 10_000).unref();
    });
  }

  for (const mode of ['exit', 'throw', 'sigkill']) {
    it(`parent ${mode === 'sigkill' ? 'SIGKILLed' : mode === 'exit' ? 'calls process.exit()' : 'dies of an uncaught error'}`, async () => {
      const { pids, results, exited, kill, go } = await parent(mode === 'sigkill' ? 'hang' : mode);
      assert.equal(pids.length, 2);
      assert.deepEqual(
        results.map((r) => r.value),
        [1, 2],
      );
      for (const pid of pids) assert.ok(pidAlive(pid), `child ${pid} runs while the parent lives`);
      if (mode === 'sigkill') kill();
      else go();
      const code = await exited;
      if (mode === 'throw') assert.equal(code, 1);
      if (mode === 'exit') assert.equal(code, 0);
      await eventually(() => pids.every((pid) => !isRunning(pid)), 3000);
    });
  }
});
