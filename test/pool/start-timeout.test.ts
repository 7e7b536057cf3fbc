// A start that takes longer than startTimeout is a StartTimeoutError (its own class and code, a
// ModuleLoadError of phase 'start'), for module workers and for a WorkPool worker's init() alike;
// the pool that gives up fails with a ModuleLoadError of phase 'pool' whose cause it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, ModuleLoadError, type PoolWorker, StartTimeoutError, WorkPool } from 'workforcejs';
import { fixture } from '../helpers.js';

function gaveUpOnTimeout(timeout: number) {
  return (error: unknown) => {
    assert.ok(error instanceof ModuleLoadError, String(error));
    assert.equal(error.phase, 'pool');
    const cause = error.cause;
    assert.ok(cause instanceof StartTimeoutError, `the cause is a StartTimeoutError: ${String(cause)}`);
    assert.ok(cause instanceof ModuleLoadError && cause.phase === 'start');
    assert.equal(cause.code, 'ERR_WORKFORCE_START_TIMEOUT');
    assert.equal(cause.name, 'StartTimeoutError');
    assert.equal(cause.timeout, timeout);
    return true;
  };
}

describe('StartTimeoutError', () => {
  it('a module worker that does not come online in time', async () => {
    const pool = createPool({ module: fixture('slow-start.mjs'), numberOfWorkers: 1, startTimeout: 150, maxStartFailures: 1 });
    try {
      await assert.rejects(pool.run(), gaveUpOnTimeout(150));
    } finally {
      await pool.kill();
    }
  });

  it('a WorkPool worker whose init() does not settle in time', async () => {
    const pool = new WorkPool<number, number>(
      ({ id }): PoolWorker<number, number> => ({ id, active: true, init: () => new Promise(() => {}), execute: (n: number) => n, destroy() {} }),
      { maxWorkers: 1, startTimeout: 50, maxStartFailures: 1 },
    );
    try {
      await assert.rejects(pool.submit(1), gaveUpOnTimeout(50));
    } finally {
      await pool.kill();
    }
  });
});
