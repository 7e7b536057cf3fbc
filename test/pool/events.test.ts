// Pool events (Workestrator's set) in both runtimes, with the arguments the seed documents:
// online (worker), message (worker, type, content), disconnect (worker), error (worker, error),
// close (worker, code, signal), exit (worker, code, signal, { planned, terminated }), ttl (worker), idle (worker).
// (test/pool/durability.test.ts checks what ttl recycling and idle reaping do to the pool.)
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPool, ModuleLoadError, type ModulePool, type ModuleWorker, type PoolOptions, WorkerCrashError } from 'workforcejs';
import { eventually, fixture, RUNTIMES, tempDirs } from '../helpers.js';

const WORKER = fixture('dur-worker.mjs');
const EVENTS = ['online', 'message', 'disconnect', 'error', 'close', 'exit', 'ttl', 'idle'] as const;
type Runtime = (typeof RUNTIMES)[number];

interface Seen {
  event: (typeof EVENTS)[number];
  worker: ModuleWorker;
  rest: unknown[];
}

const tmp = tempDirs('workforce-events-');

/** A pool of dur-worker.mjs with every event recorded in order. */
function recorded(runtime: Runtime, options: Partial<PoolOptions> = {}): { pool: ModulePool; log: Seen[] } {
  const pool = createPool({ module: WORKER, runtime, numberOfWorkers: 1, maxRetries: 0, execArgv: [], fork: { execArgv: [] }, ...options });
  const log: Seen[] = [];
  for (const event of EVENTS) pool.on(event, (worker: ModuleWorker, ...rest: unknown[]) => log.push({ event, worker, rest }));
  return { pool, log };
}

/** The events `worker` got, as [name, ...arguments after the worker]. */
function of(log: Seen[], worker: ModuleWorker): [string, ...unknown[]][] {
  return log.filter((s) => s.worker === worker).map((s) => [s.event, ...s.rest]);
}

const names = (log: Seen[], worker: ModuleWorker) => of(log, worker).map(([name]) => name);

/** Events that end a worker: disconnect, exit and close, with their arguments (their order varies by runtime). */
function ending(log: Seen[], worker: ModuleWorker): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [name, ...rest] of of(log, worker)) if (name === 'disconnect' || name === 'exit' || name === 'close') out[name] = rest;
  return out;
}

for (const runtime of RUNTIMES) {
  describe(`pool events (${runtime})`, () => {
    it('online (worker): once per worker, a live worker of this runtime, before its first call', async () => {
      const { pool, log } = recorded(runtime, { numberOfWorkers: 2 });
      try {
        await pool.broadcastMethod('whoami');
        const online = log.filter((s) => s.event === 'online');
        assert.deepEqual(online.map((s) => s.worker.id).sort(), [1, 2]);
        for (const { worker, rest } of online) {
          assert.deepEqual(rest, [], 'online carries the worker only');
          assert.ok(pool.workers.includes(worker), 'the worker object the pool lists');
          assert.equal(worker.active, true);
          if (runtime === 'process') assert.ok(typeof worker.pid === 'number' && worker.pid !== process.pid);
          else assert.ok(typeof worker.threadId === 'number' && worker.threadId > 0);
        }
      } finally {
        await pool.close();
      }
    });

    it('message (worker, type, content): what the worker posted, from that worker', async () => {
      const { pool, log } = recorded(runtime);
      try {
        const content = { n: 1, when: new Date(5), list: ['a', null] };
        assert.equal(await pool.runMethod('post', 'progress', content), 'posted');
        await eventually(() => log.some((s) => s.event === 'message'), 2000);
        const [message] = log.filter((s) => s.event === 'message');
        assert.equal(message.worker, pool.workers[0]);
        assert.deepEqual(message.rest, ['progress', content]);
      } finally {
        await pool.close();
      }
    });

    it('an uncaught error in a worker: error (worker, error), then disconnect, exit and close (worker, 1, null)', async () => {
      const dir = tmp();
      const { pool, log } = recorded(runtime);
      try {
        await pool.runMethod('whoami');
        const [worker] = pool.workers;
        await assert.rejects(pool.runMethod('poison', dir, 'throw'), WorkerCrashError);
        await eventually(() => names(log, worker).includes('close') && names(log, worker).includes('exit'), 3000);
        const errors = of(log, worker).filter(([name]) => name === 'error');
        assert.equal(errors.length, 1, `one error event: ${JSON.stringify(names(log, worker))}`);
        const [, error, ...extra] = errors[0];
        assert.ok(error instanceof Error, `an Error: ${error}`);
        assert.equal((error as Error).message, 'uncaught in the worker');
        assert.deepEqual(extra, []);
        const seq = names(log, worker);
        assert.ok(seq.indexOf('error') < seq.indexOf('exit'), `error before exit: ${seq}`);
        assert.deepEqual(ending(log, worker), { disconnect: [], exit: [1, null, { planned: false, terminated: false }], close: [1, null] });
        assert.equal(seq[0], 'online');
        assert.equal(pool.stats.workers, 1, 'replaced');
      } finally {
        await pool.close();
      }
    });

    it("an error of the worker outside any call is never silent: a WorkforceWarning when nothing listens to 'error', none when something does", async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => {
        if (w.name === 'WorkforceWarning' && w.message.includes('thrown after the call')) warnings.push(w.message);
      };
      process.on('warning', onWarning);
      const unheard = createPool({ module: fixture('late-throw.mjs'), runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] } });
      const heard = createPool({ module: fixture('late-throw.mjs'), runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] } });
      const errors: unknown[] = [];
      heard.on('error', (_worker: ModuleWorker, error: unknown) => errors.push(error));
      try {
        assert.equal(await unheard.runMethod('later', 'u'), 'u', 'the call itself resolved');
        await eventually(() => warnings.length > 0, 5000);
        assert.equal(warnings.length, 1, 'once, not once per report');
        assert.match(warnings[0], /^Worker 1 had an error of its own \(listen to the pool's 'error' event to handle it\): Error: thrown after the call u/);
        assert.equal(await unheard.runMethod('later', 'v2'), 'v2', 'the worker was replaced and the pool serves on');
        assert.equal(await heard.runMethod('later', 'h'), 'h');
        await eventually(() => errors.length > 0, 5000);
        assert.match(String(errors[0]), /thrown after the call h/);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.ok(!warnings.some((w) => w.includes('call h')), 'no warning when an error listener heard it');
      } finally {
        process.off('warning', onWarning);
        await Promise.all([unheard.close(), heard.close()]);
      }
    });

    it('a worker that calls process.exit(7): exit and close (worker, 7, null), no error event', async () => {
      const dir = tmp();
      const { pool, log } = recorded(runtime);
      try {
        await pool.runMethod('whoami');
        const [worker] = pool.workers;
        await assert.rejects(pool.runMethod('poison', dir, 'exit'), WorkerCrashError);
        await eventually(() => names(log, worker).includes('close') && names(log, worker).includes('exit'), 3000);
        assert.deepEqual(ending(log, worker), { disconnect: [], exit: [7, null, { planned: false, terminated: false }], close: [7, null] });
        assert.ok(!names(log, worker).includes('error'), 'an exit code is not an error');
      } finally {
        await pool.close();
      }
    });

    if (runtime === 'process') {
      it('a SIGKILLed process: exit and close (worker, null, SIGKILL)', async () => {
        const dir = tmp();
        const { pool, log } = recorded(runtime);
        try {
          await pool.runMethod('whoami');
          const [worker] = pool.workers;
          await assert.rejects(pool.runMethod('poison', dir, 'sigkill'), WorkerCrashError);
          await eventually(() => names(log, worker).includes('close') && names(log, worker).includes('exit'), 3000);
          assert.deepEqual(ending(log, worker), { disconnect: [], exit: [null, 'SIGKILL', { planned: false, terminated: false }], close: [null, 'SIGKILL'] });
          assert.ok(!names(log, worker).includes('error'));
        } finally {
          await pool.close();
        }
      });
    }

    it('close(): every worker gets disconnect, exit and close (worker, 0, null), and no error', async () => {
      const { pool, log } = recorded(runtime, { numberOfWorkers: 2 });
      await pool.broadcastMethod('whoami');
      const workers = [...pool.workers];
      assert.equal(workers.length, 2);
      await pool.close();
      await eventually(() => workers.every((w) => names(log, w).includes('close')), 2000);
      for (const worker of workers) {
        assert.deepEqual(ending(log, worker), { disconnect: [], exit: [0, null, { planned: true, terminated: false }], close: [0, null] });
        assert.deepEqual(
          names(log, worker).filter((n) => n === 'online' || n === 'error'),
          ['online'],
        );
      }
    });

    it('error (worker, error) when a worker cannot be started, and the calls fail typed', async () => {
      // processes: the seed's "could not be spawned" (a missing node binary); threads: flags node refuses
      const options: Partial<PoolOptions> =
        runtime === 'process' ? { fork: { execArgv: [], execPath: join(tmpdir(), 'no-such-node-binary') } } : { execArgv: ['--no-such-flag'] };
      const { pool, log } = recorded(runtime, { ...options, maxStartFailures: 1 });
      try {
        await assert.rejects(pool.run(1), ModuleLoadError);
        const errors = log.filter((s) => s.event === 'error');
        assert.ok(errors.length >= 1, 'an error event');
        const { worker, rest } = errors[0];
        assert.equal(worker.id, 1);
        assert.equal(rest.length, 1);
        const error = rest[0] as NodeJS.ErrnoException;
        if (runtime === 'process') assert.equal(error.code, 'ENOENT');
        else assert.match(error.message, /--no-such-flag/);
        assert.ok(!log.some((s) => s.event === 'online'), 'no worker came online');
      } finally {
        await pool.close();
      }
    });

    it('a worker whose onWorkerStart hook throws: error (worker, error), then exit (worker), never online', async () => {
      const dir = tmp();
      const marker = join(dir, 'marker');
      const env = { ...process.env, WORKFORCE_MARKER: marker };
      const { pool, log } = recorded(runtime, { module: fixture('hook-fails-once.mjs'), env, fork: { execArgv: [], env } });
      try {
        assert.equal(await pool.run(21), 42, 'the second worker started and served');
        const failed = log.find((s) => s.event === 'error')?.worker;
        assert.ok(failed, 'an error event for the worker whose hook threw');
        assert.equal(failed.id, 1);
        assert.match((of(log, failed)[0][1] as Error).message, /not yet/);
        await eventually(() => names(log, failed).includes('exit'), 3000);
        assert.deepEqual(
          names(log, failed).filter((n) => n !== 'disconnect' && n !== 'close'),
          ['error', 'exit'],
        );
      } finally {
        await pool.close();
      }
    });

    it('ttl (worker) and idle (worker): the worker alone, the one that came online, which then exits', async () => {
      const { pool, log } = recorded(runtime, { ttl: 2, maxIdleTime: 150 });
      try {
        // worker 1 reaches ttl 2; worker 2 runs the third call, then idles (a worker that never
        // ran a call is not reaped at the pool's minimum size: it would only be replaced)
        for (let i = 0; i < 3; i++) await pool.runMethod('whoami');
        await eventually(() => log.some((s) => s.event === 'idle'), 3000);
        const ttl = log.filter((s) => s.event === 'ttl');
        const idle = log.filter((s) => s.event === 'idle');
        assert.equal(ttl[0].worker.id, 1, 'the first worker reached ttl 2');
        assert.equal(idle[0].worker.id, 2, 'its replacement then idled');
        for (const { event, worker, rest } of [ttl[0], idle[0]]) {
          assert.deepEqual(rest, [], `${event} carries the worker only`);
          const seq = names(log, worker);
          assert.equal(seq[0], 'online', `${event}: the worker object that came online`);
          await eventually(() => names(log, worker).includes('exit'), 3000);
          assert.ok(names(log, worker).indexOf(event) < names(log, worker).indexOf('exit'), `${event} before exit`);
          assert.deepEqual(ending(log, worker).exit, [0, null, { planned: true, terminated: false }], `${event}: a graceful, planned exit`);
        }
      } finally {
        await pool.close();
      }
    });
  });
}
