import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createPool, ModuleLoadError } from 'workforce';
import { fixture, RUNTIMES } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'workforce-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

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
        fork: { env },
      });
      try {
        const began = Date.now();
        const error = await pool.run(1).then(
          () => assert.fail('must not resolve'),
          (e: unknown) => e,
        );
        const elapsed = Date.now() - began;
        assert.ok(error instanceof ModuleLoadError, String(error));
        assert.equal(error.phase, 'pool');
        assert.match(error.message, /4 times in a row/);
        assert.match(error.message, /code 3/, 'carries the first failure');
        const starts = readFileSync(log, 'utf8').trim().split('\n').length;
        assert.equal(starts, 4, 'exactly maxStartFailures spawns');
        assert.ok(elapsed >= 50 + 100 + 200, `backoff between respawns (${elapsed} ms)`);
        await assert.rejects(pool.run(2), ModuleLoadError, 'new calls reject too');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 4, 'no respawn after failing');
      } finally {
        await pool.close();
      }
    });
  }

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

  it('startTimeout reports a worker that does not come online, naming the module', async () => {
    const pool = createPool({ module: fixture('slow-start.mjs'), numberOfWorkers: 1, startTimeout: 200, maxStartFailures: 1 });
    try {
      const error = await pool.run().then(
        () => assert.fail('must not resolve'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ModuleLoadError);
      assert.match(error.message, /slow-start\.mjs/);
      assert.match(error.message, /did not come online within 200 ms/);
    } finally {
      await pool.kill();
    }
  });
});

describe('maxHeapBeforeRecycle', () => {
  for (const runtime of RUNTIMES) {
    it(`recycles a worker whose heap grew past the limit, losing no call (${runtime})`, async () => {
      const pool = createPool({ module: fixture('heap-grower.mjs'), runtime, numberOfWorkers: 1, maxHeapBeforeRecycle: 48 * 1024 * 1024 });
      const recycled: unknown[] = [];
      pool.on('recycle', (worker) => recycled.push(worker));
      try {
        const ids = await Promise.all(Array.from({ length: 12 }, () => pool.run(8)));
        assert.equal(ids.length, 12);
        assert.ok(recycled.length >= 1, 'a recycle event fired');
        assert.ok(new Set(ids).size >= 2, `more than one worker served (${ids})`);
      } finally {
        await pool.close();
      }
    });
  }
});
