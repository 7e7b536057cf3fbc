// A user listener that throws never breaks the pool (issue 18 finding 5, issue 15's kill/exit
// bug): for each event a worker pool emits, in both runtimes, a throwing listener skips neither
// the other listeners nor the pool's own work (calls settle, whenIdle/close/kill settle, no
// unhandled rejection), and its error is reported once: the 'error' event (worker, error), or a
// process warning when it was an 'error' listener that threw.
import assert from 'node:assert/strict';
import { errorMonitor } from 'node:events';
import { describe, it } from 'node:test';
import { createPool, killAll, ModuleLoadError, type ModulePool, type ModuleWorker, type PoolOptions, WorkerCrashError, WorkPool } from 'workforcejs';
import { eventually, fixture, processEventsDuring, RUNTIMES, tempDirs } from '../helpers.js';

const WORKER = fixture('dur-worker.mjs');
const tmp = tempDirs('workforce-listeners-');

/** `promise`, or a rejection naming `what` after `ms` (a hang fails the test instead of the run). */
function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

interface Throwing {
  /** The errors the throwing listener threw, in order. */
  thrown: Error[];
  /** What the listener registered after it heard (the arguments of each emit). */
  heard: unknown[][];
  /** The pool's 'error' events: [worker, error]. */
  reported: [unknown, unknown][];
}

/**
 * Adds, for `event`, a listener that throws a fresh error each time, then a listener that records
 * what it hears; and an 'error' listener recording the reports.
 */
function throwing(pool: ModulePool, event: 'online' | 'message' | 'disconnect' | 'close' | 'exit' | 'ttl' | 'recycle' | 'idle'): Throwing {
  const t: Throwing = { thrown: [], heard: [], reported: [] };
  pool.on('error', (worker: unknown, error: unknown) => t.reported.push([worker, error]));
  pool.on(event, () => {
    const error = new Error(`a '${event}' listener threw`);
    t.thrown.push(error);
    throw error;
  });
  pool.on(event, (...args: unknown[]) => t.heard.push(args));
  return t;
}

/** Every throw was reported exactly once, with the worker of the event; the next listener heard every emit. */
function reportedOnce(t: Throwing): void {
  assert.ok(t.thrown.length > 0, 'the listener ran');
  assert.equal(t.heard.length, t.thrown.length, 'the listener after the throwing one heard every emit');
  for (const [i, error] of t.thrown.entries()) {
    const reports = t.reported.filter(([, e]) => e === error);
    assert.equal(reports.length, 1, `throw #${i + 1} reported once as 'error'`);
    assert.equal(reports[0][0], t.heard[i][0], "'error' names the worker of the event");
  }
}

/** Runs `body` with `pool`, failing on any unhandled rejection; the pool is killed if close() did not end it. */
async function guarded(pool: ModulePool, body: () => Promise<void>): Promise<void> {
  const rejections = await processEventsDuring('unhandledRejection', async () => {
    try {
      await body();
    } finally {
      await within(pool.kill(), 'kill() (cleanup)').catch(() => {});
    }
  });
  assert.deepEqual(rejections, [], 'no unhandled rejection');
}

for (const runtime of RUNTIMES) {
  const make = (options: Partial<PoolOptions> = {}) =>
    createPool({ module: WORKER, runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] }, ...options });

  describe(`a throwing listener does not break the pool (${runtime})`, () => {
    it("'online': calls queued before the worker came online run; other listeners hear it", async () => {
      const pool = make();
      const t = throwing(pool, 'online');
      await guarded(pool, async () => {
        const results = await within(Promise.all([pool.run(1), pool.run(2), pool.run(3)]), 'calls queued before online');
        assert.deepEqual(results, [1, 2, 3]);
        reportedOnce(t);
        await within(pool.close(), 'close()');
      });
    });

    it("'exit': kill() and close() settle, and so does killAll() afterwards", async () => {
      const pool = make({ numberOfWorkers: 2 });
      const t = throwing(pool, 'exit');
      await guarded(pool, async () => {
        await pool.broadcast('warm');
        await within(pool.kill(), 'kill()');
        await within(killAll(), 'killAll() after it');
        assert.equal(t.thrown.length, 2, 'one exit per worker');
        reportedOnce(t);
      });
      const other = make();
      const u = throwing(other, 'exit');
      await guarded(other, async () => {
        assert.equal(await other.run(5), 5);
        await within(other.close(), 'close()');
        reportedOnce(u);
      });
    });

    it("'exit' after a crash: the call is retried on a new worker", async () => {
      const dir = tmp();
      const pool = make();
      const t = throwing(pool, 'exit');
      await guarded(pool, async () => {
        const result = await within(pool.runMethod('crashFirst', dir, 'exit', 'ok'), 'the crashed call');
        assert.equal((result as { value: string }).value, 'ok');
        reportedOnce(t);
        await within(pool.close(), 'close()');
      });
    });

    for (const event of ['disconnect', 'close'] as const) {
      it(`'${event}': a crashed worker's exit is still processed (its call settles, it leaves the list, close() settles)`, async () => {
        const dir = tmp();
        const pool = make({ maxRetries: 0 });
        const t = throwing(pool, event);
        await guarded(pool, async () => {
          assert.equal(await within(pool.run(0), 'first call'), 0);
          const dead = pool.workers[0];
          await assert.rejects(within(pool.runMethod('poison', dir, 'exit'), 'the poisoned call'), WorkerCrashError);
          await eventually(() => t.thrown.length > 0 && !pool.workers.includes(dead), 5000);
          assert.equal(await within(pool.run(7), 'a call on the replacement'), 7);
          await within(pool.close(), 'close()');
          reportedOnce(t);
        });
      });
    }

    for (const [event, options] of [
      ['ttl', { ttl: 1 }],
      ['recycle', { maxHeapBeforeRecycle: 1 }],
    ] as const) {
      it(`'${event}': every result arrives, whenIdle() and close() settle`, async () => {
        const pool = make(options);
        const t = throwing(pool, event);
        await guarded(pool, async () => {
          const calls = Array.from({ length: 6 }, (_, i) => pool.run(i));
          assert.deepEqual(await within(Promise.all(calls), 'the calls'), [0, 1, 2, 3, 4, 5]);
          await within(pool.whenIdle(), 'whenIdle()');
          await within(pool.close(), 'close()');
          assert.ok(t.thrown.length >= 5, `a '${event}' per recycled worker`);
          reportedOnce(t);
        });
      });
    }

    it("'idle': the idle worker is still ended and replaced on demand", async () => {
      const pool = make({ maxIdleTime: 50 });
      const t = throwing(pool, 'idle');
      const exits: ModuleWorker[] = [];
      pool.on('exit', (worker: ModuleWorker) => exits.push(worker));
      await guarded(pool, async () => {
        assert.equal(await pool.run(1), 1);
        const first = pool.workers[0];
        await eventually(() => exits.includes(first), 5000);
        assert.equal(await within(pool.run(2), 'a call after the idle worker ended'), 2);
        await within(pool.close(), 'close()');
        reportedOnce(t);
      });
    });

    it("'message': the onMessage() listeners of that message still run", async () => {
      const pool = make();
      const t = throwing(pool, 'message');
      const got: unknown[] = [];
      pool.onMessage('progress', (content) => got.push(content));
      await guarded(pool, async () => {
        assert.equal(await pool.runMethod('post', 'progress', 42), 'posted');
        await eventually(() => got.length > 0, 5000);
        assert.deepEqual(got, [42]);
        await within(pool.close(), 'close()');
        reportedOnce(t);
      });
    });

    it("'error' during a start failure: the call still gets ModuleLoadError; the throw is a process warning, once", async () => {
      const dir = tmp();
      const pool = make({ module: fixture('load-throws.mjs'), workerData: { log: `${dir}/loads` } });
      const heard: unknown[][] = [];
      const thrown: Error[] = [];
      pool.on('error', () => {
        const error = new Error("an 'error' listener threw");
        thrown.push(error);
        throw error;
      });
      pool.on('error', (...args: unknown[]) => heard.push(args));
      const warnings = await processEventsDuring<Error>('warning', () =>
        guarded(pool, async () => {
          await assert.rejects(within(pool.run(1), 'the call'), ModuleLoadError);
          await within(pool.close(), 'close()');
        }),
      );
      assert.ok(thrown.length >= 1);
      assert.equal(heard.length, thrown.length, 'the next error listener heard every error');
      for (const error of thrown) {
        assert.equal(warnings.filter((w) => w.message.includes(error.stack ?? error.message)).length, 1, 'one warning per throw');
      }
    });
  });
}

describe('a throwing listener does not break the pool (generic WorkPool)', () => {
  it("errorMonitor listeners see an 'error' first, isolated like the others", async () => {
    const failure = new Error('init failed');
    const pool = new WorkPool<number, number>(
      ({ id }) => ({
        id,
        active: true,
        init: () => Promise.reject(failure),
        execute: (n: number) => n,
        destroy: () => {},
      }),
      { maxWorkers: 1, maxStartFailures: 1 },
    );
    const seen: string[] = [];
    pool.on(errorMonitor, () => {
      seen.push('monitor');
      throw new Error('a monitor threw');
    });
    pool.on('error', (_worker: unknown, error: unknown) => seen.push(error === failure ? 'error' : `other: ${(error as Error).message}`));
    const warnings = await processEventsDuring<Error>('warning', async () => {
      await assert.rejects(within(pool.submit(1), 'the call'), (error: unknown) => error === failure || (error as Error).cause === failure);
      await within(pool.close(), 'close()');
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    });
    assert.deepEqual(seen, ['monitor', 'error']);
    assert.equal(warnings.filter((w) => w.message.includes('a monitor threw')).length, 1);
  });
});
