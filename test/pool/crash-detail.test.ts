// Crash detail: a call whose worker died rejects with a WorkerCrashError that says which worker
// (workerId, pid for processes), how it died (exitCode, signal) and which call it was (taskId) —
// itself with maxRetries 0, as the `reason` of a CallMaxRetryError after retries. And workforce
// never leaves a rejection unhandled: not on crashes, not during close() / kill(), not when the
// parent process ends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  CallMaxRetryError,
  createPool,
  ModuleLoadError,
  type ModulePool,
  type ModuleWorker,
  PoolClosedError,
  type PoolOptions,
  type Runtime,
  TimeoutError,
  WorkerCrashError,
} from 'workforcejs';
import { running as isRunning } from '../chaos/proc.js';
import { eventually, fixture, processEventsDuring, RUNTIMES, sleep, tempDirs } from '../helpers.js';
import { durPool as pool, type Who } from './pools.js';

const tmp = tempDirs('workforce-crash-');

describe('crash detail', { concurrency: 2 }, () => {
  for (const runtime of RUNTIMES) {
    it(`every call a dead worker held gets its own WorkerCrashError: exitCode, signal, pid, workerId, taskId (${runtime})`, async () => {
      const p = pool(runtime, { concurrency: 2, maxRetries: 0 });
      try {
        const who = await p.runMethod<Who>('whoami');
        const bystander = p.runMethod('sleep', 5000, 'never').then(
          () => assert.fail('must not resolve'),
          (e: unknown) => e,
        );
        const poisoned = p.runMethod('poison', tmp(), 'exit').then(
          () => assert.fail('must not resolve'),
          (e: unknown) => e,
        );
        const errors = [await poisoned, await bystander];
        for (const e of errors) {
          assert.ok(e instanceof WorkerCrashError, `got ${(e as Error).name}: ${(e as Error).message}`);
          assert.equal(e.name, 'WorkerCrashError');
          assert.equal(e.exitCode, 7);
          assert.equal(e.signal, null);
          assert.equal(e.workerId, who.workerId);
          if (runtime === 'process') {
            assert.equal(e.pid, who.pid);
            assert.match(e.message, new RegExp(`pid ${who.pid}`));
          } else assert.equal(e.pid, undefined, 'threads have no pid of their own');
          assert.match(e.message, /exited with code 7/);
          assert.equal(typeof e.taskId, 'number');
        }
        const [a, b] = errors as WorkerCrashError[];
        assert.notEqual(a.taskId, b.taskId, 'each call names itself');
      } finally {
        await p.close();
      }
    });

    it(`after retries, CallMaxRetryError.reason is the last crash with its detail (${runtime})`, async () => {
      const p = pool(runtime, { maxRetries: 2 });
      const exits: [ModuleWorker, number | null, string | null][] = [];
      p.on('exit', (w: ModuleWorker, code: number | null, signal: string | null) => exits.push([w, code, signal]));
      const pids = new Map<number | string, number | undefined>();
      p.on('online', (w: ModuleWorker) => pids.set(w.id, w.pid));
      try {
        const error = await p.runMethod('poison', tmp(), runtime === 'process' ? 'sigkill' : 'exit').then(
          () => assert.fail('must not resolve'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof CallMaxRetryError, String(error));
        assert.equal(error.attempts, 3);
        const reason = error.reason;
        assert.ok(reason instanceof WorkerCrashError, String(reason));
        assert.equal(error.cause, reason);
        assert.equal(reason.taskId, error.taskId);
        assert.equal(exits.length, 3);
        const [last, code, signal] = exits[2];
        assert.equal(reason.workerId, last.id, 'the worker that died last');
        assert.equal(reason.exitCode, code);
        assert.equal(reason.signal, signal);
        if (runtime === 'process') {
          assert.equal(reason.signal, 'SIGKILL');
          assert.equal(reason.exitCode, null);
          assert.equal(reason.pid, pids.get(last.id));
          assert.equal(typeof reason.pid, 'number');
          assert.match(error.message, /WorkerCrashError: Worker \d+ \(pid \d+\) was killed by SIGKILL/);
        } else {
          assert.equal(reason.exitCode, 7);
          assert.equal(reason.pid, undefined);
        }
      } finally {
        await p.close();
      }
    });
  }

  it('a process worker killed from outside: signal and pid in the error', async () => {
    const p = pool('process', { maxRetries: 0 });
    try {
      const who = await p.runMethod<Who>('whoami');
      const call = p.runMethod('sleep', 10_000).then(
        () => assert.fail('must not resolve'),
        (e: unknown) => e,
      );
      await sleep(50);
      process.kill(who.pid, 'SIGTERM');
      const error = await call;
      assert.ok(error instanceof WorkerCrashError);
      assert.equal(error.signal, 'SIGTERM');
      assert.equal(error.exitCode, null);
      assert.equal(error.pid, who.pid);
      assert.equal(error.workerId, who.workerId);
      assert.match(error.message, /was killed by SIGTERM/);
    } finally {
      await p.close();
    }
  });
});

describe('crash detail, more', () => {
  for (const runtime of RUNTIMES) {
    it(`force-affinity calls queued on a worker that crashed each get their own taskId (${runtime})`, async () => {
      const p = pool(runtime, { numberOfWorkers: 2, maxRetries: 0 });
      const dir = tmp();
      try {
        await p.broadcastMethod('whoami');
        const id = p.workers[0].id;
        const crashing = p.addTask(dir, { method: 'poisonOne', affinity: id, affinityStrength: 'force' }).catch((e: unknown) => e);
        const queued = [1, 2].map((v) => p.addTask(v, { affinity: id, affinityStrength: 'force' }).catch((e: unknown) => e));
        const errors = [await crashing, ...(await Promise.all(queued))] as WorkerCrashError[];
        for (const e of errors) assert.ok(e instanceof WorkerCrashError, String(e));
        assert.equal(new Set(errors.map((e) => e.taskId)).size, 3, `three task ids: ${errors.map((e) => e.taskId)}`);
        assert.ok(errors.every((e) => typeof e.taskId === 'number' && e.workerId === id));
      } finally {
        await p.close();
      }
    });
  }

  it('calls of a worker terminated after a cancel grace period carry its pid and how it ended', async () => {
    const p = pool('process', { concurrency: 2, cancelGracePeriod: 100, maxRetries: 0 });
    const dir = tmp();
    try {
      const who = await p.runMethod<Who>('whoami');
      const ac = new AbortController();
      const stubborn = p.addTask(dir, { method: 'stubbornOne', signal: ac.signal }).catch(() => {});
      const sibling = p.runMethod('sleep', 5000).catch((e: unknown) => e);
      await sleep(100);
      ac.abort();
      const error = (await sibling) as WorkerCrashError;
      await stubborn;
      assert.ok(error instanceof WorkerCrashError, String(error));
      assert.equal(error.pid, who.pid);
      assert.equal(error.signal, 'SIGKILL');
      assert.match(error.message, /terminated \(task \d+ aborted and did not stop within 100 ms\)/);
    } finally {
      await p.close();
    }
  });
});

describe('never an unhandled rejection', () => {
  it('crashes, retries, timeouts, start failures and close() / kill() at every stage (both runtimes)', async () => {
    const open: ModulePool[] = [];
    const make = (runtime: Runtime, options: Partial<PoolOptions> = {}) => {
      const p = pool(runtime, options);
      open.push(p);
      return p;
    };
    try {
      const unhandled = await processEventsDuring('unhandledRejection', async () => {
        await Promise.all(
          RUNTIMES.map(async (runtime) => {
            // close() right away and kill() right away, while the workers are still starting
            await make(runtime, { numberOfWorkers: 2 }).close();
            await make(runtime, { numberOfWorkers: 2 }).kill();

            // kill() with calls waiting for workers that are starting
            let p = make(runtime, { numberOfWorkers: 2 });
            let calls = [p.run(1), p.runMethod('sleep', 100, 1)].map((c) => c.catch((e: Error) => e));
            await sleep(5);
            await p.kill();
            for (const e of await Promise.all(calls)) assert.ok(e instanceof PoolClosedError, String(e));

            // a worker crashes while close() waits for its call: the call is retried, then given up
            p = make(runtime, { maxRetries: 2 });
            await p.run(0);
            calls = [p.runMethod('poison', tmp(), 'exit'), p.runMethod('tagged', 'ok', 20)].map((c) => c.catch((e: Error) => e));
            await sleep(5);
            await p.close();
            const [poisoned, fine] = await Promise.all(calls);
            assert.ok(poisoned instanceof CallMaxRetryError && poisoned.reason instanceof WorkerCrashError, String(poisoned));
            assert.equal((fine as { value: string }).value, 'ok');

            // kill() in the middle of crash retries
            p = make(runtime, { maxRetries: 50 });
            await p.run(0);
            const crashing = p.runMethod('poison', tmp(), 'exit').catch((e: Error) => e);
            await sleep(120);
            await p.kill();
            assert.ok((await crashing) instanceof PoolClosedError);

            // a stubborn call times out; close() during its grace period
            p = make(runtime, { timeout: 50, maxRetries: 0, cancelGracePeriod: 2000 });
            const stuck = p.runMethod('stubborn', tmp(), 5000).catch((e: Error) => e);
            assert.ok((await stuck) instanceof TimeoutError);
            await p.kill();

            // start failures with no caller at all: the pool fails on its own, then is closed
            p = createPool({ module: fixture('syntax-error.mjs'), runtime, numberOfWorkers: 2, fork: { execArgv: [] } });
            open.push(p);
            await sleep(300);
            await assert.rejects(p.run(1), ModuleLoadError);
            await p.close();
            p = createPool({ module: fixture('slow-start.mjs'), runtime, numberOfWorkers: 1, startTimeout: 50, maxStartFailures: 2, fork: { execArgv: [] } });
            open.push(p);
            await sleep(300);
            await p.kill();
          }),
        );
        await sleep(50);
      });
      assert.deepEqual(
        unhandled.map((r) => String(r)),
        [],
      );
    } finally {
      await Promise.all(open.map((p) => p.kill()));
    }
  });

  for (const mode of ['exit', 'close', 'kill'] as const) {
    it(`a parent that ${mode === 'exit' ? 'calls process.exit()' : `${mode}s its pools`} mid-crash, mid-retry and mid-start exits cleanly (--unhandled-rejections=strict)`, async () => {
      const child = spawn(process.execPath, ['--unhandled-rejections=strict', fixture('crash-parent.mjs'), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0, `exit code ${code}: ${err}`);
      assert.doesNotMatch(err, /unhandled|UnhandledPromiseRejection/i);
      const { pids } = JSON.parse(out.split('\n')[0]) as { pids: number[] };
      assert.equal(pids.length, 2);
      await eventually(() => pids.every((pid) => !isRunning(pid)), 3000);
    });
  }
});
