import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { createPool, ModuleLoadError, WorkerCrashError } from 'workforcejs';
import { childPids } from '../chaos/proc.js';
import { eventually, fixture, RUNTIMES } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'workforce-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The start times a fixture logged, one line per start. */
function startTimes(log: string): number[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map(Number);
}

describe('runaway respawn is bounded', () => {
  for (const runtime of RUNTIMES) {
    it(`workers that die at start are respawned with backoff, then the pool fails (${runtime})`, async () => {
      const log = join(dir, `starts-${runtime}.log`);
      const env = { ...process.env, WORKFORCE_START_LOG: log };
      const pool = createPool({
        module: fixture('crash-at-start.mjs'),
        runtime,
        numberOfWorkers: 1,
        maxStartFailures: 4,
        env,
        fork: { env, execArgv: [] },
      });
      try {
        const began = Date.now();
        const pending = [pool.run(1), pool.run(2), pool.runMethod('x')].map((call) =>
          call.then(
            () => assert.fail('must not resolve'),
            (e: unknown) => e,
          ),
        );
        const [error, ...others] = await Promise.all(pending);
        const elapsed = Date.now() - began;
        assert.ok(error instanceof ModuleLoadError, String(error));
        assert.equal(error.phase, 'pool');
        assert.match(error.message, /4 times in a row/);
        assert.match(error.message, /code 3/, 'carries the first failure');
        assert.ok(error.cause instanceof WorkerCrashError, `cause: ${error.cause}`);
        assert.equal(error.cause.exitCode, 3, 'the first failure, with its detail');
        for (const other of others) assert.equal(other, error, 'every pending call gets the same error');
        const starts = startTimes(log);
        assert.equal(starts.length, 4, 'exactly maxStartFailures spawns');
        // exponential backoff: 50, 100, 200 ms before the 2nd, 3rd and 4th spawn
        const backoff = [0, 50, 100, 200];
        for (let i = 1; i < starts.length; i++) {
          const gap = starts[i] - starts[i - 1];
          assert.ok(gap >= backoff[i] - 5, `spawn ${i + 1} came ${gap} ms after spawn ${i} (backoff ${backoff[i]} ms)`);
        }
        assert.ok(elapsed >= 50 + 100 + 200, `backoff between respawns (${elapsed} ms)`);
        await assert.rejects(pool.run(2), (e: unknown) => e === error, 'new calls reject with the same error');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(startTimes(log).length, 4, 'no respawn after failing');
      } finally {
        await pool.close();
      }
    });

    it(`workers that come online and die at once, before any call, count as start failures (${runtime})`, async () => {
      const log = join(dir, `die-soon-${runtime}.log`);
      const env = { ...process.env, WORKFORCE_START_LOG: log };
      const pool = createPool({ module: fixture('die-soon.mjs'), runtime, numberOfWorkers: 1, maxStartFailures: 3, env, fork: { env, execArgv: [] } });
      try {
        await eventually(() => pool.workers.length === 0 && startTimes(log).length >= 3, 5000);
        await assert.rejects(pool.run(1), (e: ModuleLoadError) => e instanceof ModuleLoadError && e.phase === 'pool');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(startTimes(log).length, 3, 'no respawn loop: the pool failed after maxStartFailures');
      } finally {
        await pool.close();
      }
    });

    it(`a module that throws while loading is not respawned: pending and new calls get the first error (${runtime})`, async () => {
      const log = join(dir, `loads-${runtime}.log`);
      const pool = createPool({ module: fixture('load-throws.mjs'), runtime, numberOfWorkers: 2, workerData: { log }, execArgv: [], fork: { execArgv: [] } });
      try {
        const pending = [pool.run(1), pool.run(2), pool.run(3)].map((call) =>
          call.then(
            () => assert.fail('must not resolve'),
            (e: unknown) => e,
          ),
        );
        const [error, ...others] = await Promise.all(pending);
        assert.ok(error instanceof ModuleLoadError, String(error));
        assert.equal(error.phase, 'module');
        assert.match(error.message, /load-throws\.mjs/);
        assert.match(error.message, /TypeError: boom at load in worker \d/);
        // its cause is what the import threw, not a second ModuleLoadError of the same words
        const cause = error.cause;
        assert.ok(cause instanceof Error && cause.name === 'TypeError' && /boom at load/.test(cause.message), `cause: ${cause}`);
        for (const other of others) assert.equal(other, error);
        await new Promise((r) => setTimeout(r, 400));
        assert.ok(startTimes(log).length <= 2, `loaded ${startTimes(log).length} times with 2 workers: never respawned`);
        await assert.rejects(pool.run(4), (e: unknown) => e === error, 'new calls reject with the first error');
        assert.ok(startTimes(log).length <= 2, 'a new call does not respawn either');
      } finally {
        await pool.close();
      }
    });
  }

  it('a process that cannot be spawned (bad fork execPath) is one error event per start failure', async () => {
    const pool = createPool({
      module: fixture('basic.mjs'),
      runtime: 'process',
      numberOfWorkers: 1,
      maxStartFailures: 2,
      fork: { execPath: join(dir, 'no-such-node') },
    });
    const events: [number | string, unknown][] = [];
    pool.on('error', (worker: { id: number | string }, error: unknown) => events.push([worker.id, error]));
    try {
      const error = await pool.run(1, 2, 3).then(
        () => assert.fail('must not resolve'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ModuleLoadError && /ENOENT/.test(error.message), String(error));
      await new Promise((r) => setTimeout(r, 200)); // late reports (a write to the never-opened channel) would come by now
      assert.equal(events.length, 2, `two failures, two events: ${events.map(([id, e]) => `${id}: ${(e as Error).message}`).join('; ')}`);
      assert.equal(new Set(events.map(([id]) => id)).size, 2, 'one per worker');
      for (const [, e] of events) assert.equal((e as NodeJS.ErrnoException).code, 'ENOENT');
    } finally {
      await pool.kill();
    }
  });

  it('the default bound is 5 consecutive start failures', async () => {
    const log = join(dir, 'starts-default.log');
    const env = { ...process.env, WORKFORCE_START_LOG: log };
    const pool = createPool({ module: fixture('crash-at-start.mjs'), numberOfWorkers: 1, env, execArgv: [] });
    try {
      const error = await pool.run(1).then(
        () => assert.fail('must not resolve'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ModuleLoadError);
      assert.match(error.message, /5 times in a row/);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(startTimes(log).length, 5);
    } finally {
      await pool.close();
    }
  });

  it('a module with a syntax error fails the pool at once with ModuleLoadError', async () => {
    const pool = createPool({ module: fixture('syntax-error.mjs'), numberOfWorkers: 2 });
    try {
      const error = await pool.run(1).then(
        () => assert.fail('must not resolve'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ModuleLoadError);
      assert.equal(error.phase, 'module');
      assert.match(error.message, /syntax-error\.mjs/);
      assert.match(error.message, /SyntaxError/);
    } finally {
      await pool.close();
    }
  });

  it('a missing module is a ModuleLoadError at createPool', () => {
    assert.throws(
      () => createPool({ module: join(dir, 'nope.mjs') }),
      (e: unknown) => e instanceof ModuleLoadError && /nope\.mjs/.test(e.message),
    );
  });

  it('a transient onWorkerStart failure is retried and the pool serves', async () => {
    const marker = join(dir, 'hook-marker');
    const pool = createPool({ module: fixture('hook-fails-once.mjs'), numberOfWorkers: 1, env: { ...process.env, WORKFORCE_MARKER: marker } });
    try {
      assert.equal(await pool.run(21), 42);
    } finally {
      await pool.close();
    }
  });

  for (const runtime of RUNTIMES) {
    it(`startTimeout reports a worker that does not come online, naming the module (${runtime})`, async () => {
      const pool = createPool({
        module: fixture('slow-start.mjs'),
        runtime,
        numberOfWorkers: 1,
        startTimeout: 200,
        maxStartFailures: 1,
        fork: { execArgv: [] },
      });
      // what a started worker holds: a child process, or a thread's Worker handle
      const held = () => (runtime === 'process' ? (childPids() ?? []).length : process.getActiveResourcesInfo().filter((r) => /Worker/.test(r)).length);
      const before = held();
      try {
        const began = Date.now();
        const error = await pool.run().then(
          () => assert.fail('must not resolve'),
          (e: unknown) => e,
        );
        const took = Date.now() - began;
        assert.ok(error instanceof ModuleLoadError, String(error));
        assert.equal(error.phase, 'pool');
        assert.match(error.message, /slow-start\.mjs/);
        assert.match(error.message, /did not start within 200 ms/);
        assert.ok(error.cause instanceof ModuleLoadError && error.cause.phase === 'start', 'the first failure is the start timeout');
        assert.ok(took >= 190 && took < 3000, `reported after ${took} ms`);
        await eventually(() => held() === before, 3000); // the stuck worker was ended
      } finally {
        await pool.kill();
      }
    });
  }

  it('startTimeout defaults to 30 s', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const pool = createPool({ module: fixture('slow-start.mjs'), numberOfWorkers: 1, maxStartFailures: 1, execArgv: [] });
    const settled: { outcome?: unknown } = {};
    void pool.run().then(
      () => (settled.outcome = 'resolved'),
      (e: unknown) => (settled.outcome = e),
    );
    const turn = () => new Promise((r) => setImmediate(r));
    const current = (): unknown => settled.outcome;
    try {
      // the start timer is set as the thread is created: wait for the thread
      for (let i = 0; i < 2000 && !process.getActiveResourcesInfo().some((r) => /Worker/.test(r)); i++) await turn();
      await turn();
      mock.timers.tick(29_999);
      await turn();
      assert.equal(current(), undefined, 'still starting after 29.999 s');
      mock.timers.tick(1);
      for (let i = 0; i < 20 && current() === undefined; i++) await turn();
      const outcome = current();
      assert.ok(outcome instanceof ModuleLoadError, String(outcome));
      assert.match(outcome.message, /did not start within 30000 ms/);
    } finally {
      mock.timers.reset();
      await pool.kill();
    }
  });
});
