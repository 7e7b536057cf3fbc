import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool } from 'workforcejs';
import { fixture } from '../helpers.js';

const module = fixture('sched-nested.mjs');

describe('nested tasks', () => {
  for (const runtime of ['thread', 'process'] as const) {
    it(`a worker waiting on its own nested tasks does not deadlock with concurrency 1 (${runtime})`, async () => {
      const pool = createPool({ module, runtime, numberOfWorkers: 1, concurrency: 1 });
      try {
        const result = await pool.addTask<{ sum: number; workers: number[]; self: number }>({ op: 'parent', values: [1, 2, 3, 4] });
        assert.equal(result.sum, 20);
        assert.deepEqual(new Set(result.workers), new Set([result.self]), 'light affinity keeps nested tasks on the worker that queued them');
      } finally {
        await pool.close();
      }
    });
  }

  it('nested tasks from many parents finish with concurrency 1 on two workers', async () => {
    const pool = createPool({ module, numberOfWorkers: 2, concurrency: 1 });
    try {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.addTask<{ sum: number }>({ op: 'parent', values: [i, i, i] })));
      assert.deepEqual(
        results.map((r) => r.sum),
        [0, 6, 12, 18, 24, 30],
      );
    } finally {
      await pool.close();
    }
  });
});

describe("affinity 'main'", () => {
  it('runs on the main thread, with non-serializable arguments, and never elsewhere', async () => {
    const pool = createPool({ module, numberOfWorkers: 1 });
    try {
      const where = await pool.addTask<{ isMainThread: boolean; pid: number; workerId: string }>({ op: 'where' }, { affinity: 'main' });
      assert.equal(where.isMainThread, true);
      assert.equal(where.pid, process.pid);
      assert.equal(where.workerId, 'main');
      const out = await pool.addTask({ op: 'call', fn: (x: number) => x + 1, value: 41 }, { affinity: 'main' });
      assert.equal(out, 42);
      const elsewhere = await pool.addTask<{ isMainThread: boolean }>({ op: 'where' });
      assert.equal(elsewhere.isMainThread, false, 'the main thread gets no work without the affinity');
      assert.equal(pool.stats.workers, 1, 'the main-thread worker is not counted as a pool worker');
    } finally {
      await pool.close();
    }
  });

  it('runs main-thread tasks at once, as many as are sent (its handle is unbounded)', async () => {
    const pool = createPool({ module, numberOfWorkers: 1 });
    try {
      await pool.addTask({ op: 'sleep', ms: 1 }, { affinity: 'main' });
      const started = Date.now();
      const ids = await Promise.all([1, 2, 3, 4].map(() => pool.addTask({ op: 'sleep', ms: 300 }, { affinity: 'main' })));
      assert.deepEqual(ids, ['main', 'main', 'main', 'main']);
      const ms = Date.now() - started;
      assert.ok(ms < 1150, `4 async tasks of 300 ms overlapped: ${ms} ms (one at a time: at least 1200 ms)`);
    } finally {
      await pool.close();
    }
  });

  it('a worker can queue a task onto the main thread', async () => {
    const pool = createPool({ module, runtime: 'process', numberOfWorkers: 1 });
    try {
      const where = await pool.addTask<{ pid: number; isMainThread: boolean }>({ op: 'to-main' });
      assert.equal(where.pid, process.pid);
    } finally {
      await pool.close();
    }
  });
});

describe("runtime 'inline'", () => {
  it('runs the module in the main thread with the same API', async () => {
    const pool = createPool({ module: fixture('basic.mjs'), runtime: 'inline', numberOfWorkers: 1 });
    try {
      assert.equal(await pool.run(1, 2, 3), 6);
      assert.equal(await pool.runMethod('foo', 1, 2, 3), 'bar:1:2:3');
      await assert.rejects(pool.runMethod('fail', 'boom'), { name: 'RangeError', message: 'boom', code: 'E_CUSTOM' });
      await assert.rejects(pool.runMethod('missing'), { name: 'MethodNotFoundError' });
      const [ok, failed] = await pool.broadcastMethod('whoami');
      assert.deepEqual(ok, [1]);
      assert.deepEqual(failed, []);
      const where = await createPoolWhere();
      assert.equal(where.isMainThread, true);
    } finally {
      await pool.close();
    }
  });
});

async function createPoolWhere() {
  const pool = createPool({ module, runtime: 'inline', numberOfWorkers: 1 });
  try {
    return await pool.addTask<{ isMainThread: boolean }>({ op: 'where' });
  } finally {
    await pool.close();
  }
}
