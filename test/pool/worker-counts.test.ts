// Issue 19: minWorkers and maxWorkers are resolved each on its own (min 1 — or numberOfWorkers —,
// max the CPU count — or numberOfWorkers), minWorkers 0 starts workers on demand, and a minimum
// above the maximum is refused naming both options as the user gave them.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { createPool, InvalidOptionError, type PoolOptions, type PoolWorker, WorkPool } from 'workforcejs';
import { eventually, fixture, sleep } from '../helpers.js';

const MODULE = fixture('basic.mjs');
const CPUS = availableParallelism();

function make(options: Partial<PoolOptions>) {
  const pool = createPool({ module: MODULE, execArgv: [], ...options });
  let online = 0;
  pool.on('online', () => online++);
  return { pool, online: () => online };
}

/** Runs `calls` slow calls at once and returns the most workers seen live meanwhile. */
async function peakUnderLoad(pool: ReturnType<typeof make>['pool'], calls: number): Promise<number> {
  let peak = 0;
  const watch = setInterval(() => {
    peak = Math.max(peak, pool.workers.length);
  }, 5);
  try {
    await Promise.all(Array.from({ length: calls }, (_, i) => pool.runMethod('sleep', 300, i)));
  } finally {
    clearInterval(watch);
  }
  return Math.max(peak, pool.workers.length);
}

describe('worker counts (createPool)', () => {
  it('{ maxWorkers: 4 } starts one worker and grows to 4 under load', async () => {
    const { pool, online } = make({ maxWorkers: 4 });
    try {
      assert.equal(await pool.run(1, 2, 3), 6);
      await sleep(100);
      assert.equal(online(), 1, 'one worker at rest');
      assert.equal(pool.capacity, 4);
      assert.equal(await peakUnderLoad(pool, 8), 4);
    } finally {
      await pool.close();
    }
  });

  it('{ minWorkers: 1 } can grow to the CPU count', async () => {
    const { pool } = make({ minWorkers: 1 });
    try {
      assert.equal(pool.capacity, CPUS);
      assert.equal(await peakUnderLoad(pool, CPUS * 2), CPUS);
    } finally {
      await pool.close();
    }
  });

  it('no size option: one worker at rest, at most the CPU count', async () => {
    const { pool, online } = make({});
    try {
      assert.equal(pool.capacity, CPUS);
      assert.equal(await pool.run(1, 2, 3), 6);
      await sleep(100);
      assert.equal(online(), 1);
    } finally {
      await pool.close();
    }
  });

  it('numberOfWorkers is a fixed size; minWorkers or maxWorkers given with it wins for its own bound', async () => {
    const fixed = make({ numberOfWorkers: 2 });
    const grows = make({ numberOfWorkers: 1, maxWorkers: 3 });
    try {
      await fixed.pool.run(1, 2, 3);
      // both workers come up at rest (waited for, not timed: a loaded machine starts a thread slowly), and no third
      await eventually(() => fixed.online() === 2).catch(() => assert.fail(`${fixed.online()} of 2 workers online`));
      await sleep(100);
      assert.equal(fixed.online(), 2);
      assert.equal(fixed.pool.capacity, 2);
      assert.equal(grows.pool.capacity, 3);
      assert.equal(await peakUnderLoad(grows.pool, 6), 3);
    } finally {
      await Promise.all([fixed.pool.close(), grows.pool.close()]);
    }
  });

  it('{ minWorkers: 0 } starts no worker until a call needs one, then serves', async () => {
    const { pool, online } = make({ minWorkers: 0 });
    try {
      await sleep(150);
      assert.equal(online(), 0, 'no worker before the first call');
      assert.equal(pool.workers.length, 0);
      assert.equal(await pool.run(1, 2, 3), 6);
      assert.equal(online(), 1);
      assert.deepEqual((await Promise.all([pool.run(1, 1, 1), pool.runMethod('foo', 1, 2, 3)])).sort(), [3, 'bar:1:2:3']);
    } finally {
      await pool.close();
    }
  });

  it('{ minWorkers } above the CPU count alone is not an error: maxWorkers follows it', async () => {
    const { pool } = make({ minWorkers: CPUS + 1 });
    try {
      assert.equal(pool.capacity, CPUS + 1);
    } finally {
      await pool.close();
    }
  });

  const refused: [Partial<PoolOptions>, string, RegExp][] = [
    [{ minWorkers: 3, maxWorkers: 2 }, 'minWorkers', /minWorkers \(3\) is larger than maxWorkers \(2\)/],
    [{ numberOfWorkers: 4, maxWorkers: 2 }, 'numberOfWorkers', /numberOfWorkers \(4\) is larger than maxWorkers \(2\)/],
    [{ numberOfWorkers: 2, minWorkers: 3 }, 'minWorkers', /minWorkers \(3\) is larger than numberOfWorkers \(2\)/],
  ];
  for (const [options, option, message] of refused) {
    it(`${JSON.stringify(options)} is refused naming both options as given`, () => {
      assert.throws(
        () => createPool({ module: MODULE, ...options }),
        (e: unknown) => e instanceof InvalidOptionError && e.option === option && message.test(e.message),
      );
    });
  }
});

describe('worker counts (WorkPool)', () => {
  const doubler = ({ id }: { id: number }): PoolWorker<number, number> => ({ id, active: true, execute: (n: number) => n * 2, destroy() {} });

  it('{ minWorkers: 0 } works and { minWorkers: 1 } can grow to the CPU count', async () => {
    const lazy = new WorkPool(doubler, { minWorkers: 0 });
    const one = new WorkPool(doubler, { minWorkers: 1 });
    try {
      assert.equal(lazy.workers.length, 0);
      assert.equal(await lazy.submit(21), 42);
      assert.equal(one.capacity, CPUS);
    } finally {
      await Promise.all([lazy.close(), one.close()]);
    }
  });

  it('{ minWorkers: 3, maxWorkers: 2 } names both', () => {
    assert.throws(
      () => new WorkPool(doubler, { minWorkers: 3, maxWorkers: 2 }),
      (e: unknown) => e instanceof InvalidOptionError && e.option === 'minWorkers' && /maxWorkers \(2\)/.test(e.message),
    );
  });
});
