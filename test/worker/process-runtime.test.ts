// The process workers' CommonJS runtime (dist/worker/runtime/main.cjs): a CommonJS worker module is
// required, so the child never loads Node's ESM loader (nor worker_threads, node:module, perf_hooks),
// which keeps its idle RSS near a bare fork's (bench: idle-rss-processes); every other kind still loads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, type ModulePool } from 'workforcejs';
import { fixture } from '../helpers.js';

async function withPool<T>(module: string, runtime: 'process' | 'thread', use: (pool: ModulePool) => Promise<T>): Promise<T> {
  const pool = createPool({ module: fixture(module), runtime, numberOfWorkers: 1, fork: { execArgv: [] }, execArgv: [] });
  try {
    return await use(pool);
  } finally {
    await pool.close();
  }
}

describe('process runtime (CommonJS entry)', () => {
  it('a CommonJS .js module (package without "type") is required: no ESM loader, worker_threads, node:module or perf_hooks in the child', async () => {
    await withPool('cjs-pkg/worker.js', 'process', async (pool) => {
      assert.equal(await pool.runMethod('kind'), 'cjs');
      assert.deepEqual(await pool.runMethod('heavy'), []);
    });
  });

  it('an ESM .mjs module still loads, through the ESM loader', async () => {
    await withPool('mp-esm.mjs', 'process', async (pool) => {
      assert.equal(await pool.runMethod('asyncAdd', 2, 3), 5);
    });
  });

  it('ESM syntax in a .js of a package without "type" loads (detected by Node), on processes and threads', async () => {
    for (const runtime of ['process', 'thread'] as const) {
      await withPool('cjs-pkg/esm-syntax.js', runtime, async (pool) => {
        assert.equal(await pool.runMethod('kind'), 'esm', runtime);
        assert.equal(await pool.run(41), 42, runtime);
      });
    }
  });

  it('ESM with top-level await that require() refuses is imported instead, and runs once', async () => {
    for (const runtime of ['process', 'thread'] as const) {
      await withPool('cjs-pkg/esm-tla.js', runtime, async (pool) => {
        assert.equal(await pool.runMethod('kind'), 'esm', runtime);
        assert.equal(await pool.runMethod('runs'), 1, runtime);
      });
    }
  });
});
