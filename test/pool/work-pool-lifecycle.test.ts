// The generic WorkPool's lifecycle: defaults, start timeouts, the `active` flag at start, bad
// per-call options, close() arguments and killAll().
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { type ExecuteContext, InvalidOptionError, killAll, ModuleLoadError, type PoolWorker, WorkPool } from 'workforcejs';
import { eventually } from '../helpers.js';

/** A worker that doubles numbers; `init` can be made to hang. */
class Doubler implements PoolWorker<number, number> {
  active = true;
  destroyed = false;
  constructor(
    readonly id: number,
    private readonly hangInInit = false,
  ) {}
  init(): Promise<void> | undefined {
    return this.hangInInit ? new Promise(() => {}) : undefined;
  }
  async execute(n: number, _ctx: ExecuteContext): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return n * 2;
  }
  destroy(): void {
    this.active = false;
    this.destroyed = true;
  }
}

describe('WorkPool lifecycle', () => {
  it('minWorkers defaults to 1: one worker at rest, growing to maxWorkers under load', async () => {
    const made: Doubler[] = [];
    const pool = new WorkPool<number, number, Doubler>(({ id }) => made[made.push(new Doubler(id)) - 1], { maxWorkers: 3 });
    try {
      await eventually(() => pool.stats.workers === 1 && made.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(made.length, 1, 'no more workers while idle');
      assert.deepEqual(await Promise.all([1, 2, 3, 4, 5, 6].map((n) => pool.submit(n))), [2, 4, 6, 8, 10, 12]);
      assert.ok(made.length > 1 && made.length <= 3, `grew under load to ${made.length}`);
    } finally {
      await pool.close();
    }
  });

  it('without maxWorkers, it grows to the CPU count under load (min still 1)', async () => {
    const made: Doubler[] = [];
    const pool = new WorkPool<number, number, Doubler>(({ id }) => made[made.push(new Doubler(id)) - 1]);
    try {
      await eventually(() => made.length === 1);
      const load = Array.from({ length: 4 * availableParallelism() }, (_, n) => pool.submit(n));
      await eventually(() => made.length === availableParallelism());
      assert.equal((await Promise.all(load)).length, load.length);
      assert.equal(made.length, availableParallelism(), 'no more than the CPU count');
    } finally {
      await pool.close();
    }
  });

  it('a worker whose init() never settles fails its start after startTimeout; close() does not hang', async () => {
    let made = 0;
    const pool = new WorkPool<number, number, Doubler>(
      ({ id }) => {
        made++;
        return new Doubler(id, true);
      },
      { maxWorkers: 1, startTimeout: 50, maxStartFailures: 2 },
    );
    try {
      await assert.rejects(pool.submit(1), (e: ModuleLoadError) => e instanceof ModuleLoadError && /did not start within 50 ms/.test(String(e.cause ?? e)));
      assert.equal(made, 2, 'gave up after maxStartFailures');
    } finally {
      await pool.close();
    }
  });

  it('`active` false when a worker comes online means it did not start: it is ended, and the pool gives up after maxStartFailures', async () => {
    // (travetto's reading of `active` as "busy", false until the first call, is the compat WorkPool's: test/compat/travetto-active.test.ts)
    const made: Doubler[] = [];
    const pool = new WorkPool<number, number, Doubler>(
      ({ id }) => {
        const worker = new Doubler(id);
        worker.active = false;
        return made[made.push(worker) - 1];
      },
      { maxWorkers: 1, maxStartFailures: 2 },
    );
    try {
      await assert.rejects(pool.submit(1), ModuleLoadError);
      assert.equal(made.length, 2, 'gave up after maxStartFailures');
      await eventually(() => made.every((w) => w.destroyed));
    } finally {
      await pool.close();
    }
  });

  it('a bad signal option is an InvalidOptionError and leaves nothing pending (whenIdle, close, maxConcurrentCalls)', async () => {
    const pool = new WorkPool<number, number, Doubler>(({ id }) => new Doubler(id), { maxWorkers: 1, maxConcurrentCalls: 1 });
    try {
      for (const signal of [{}, 'x', 1]) {
        await assert.rejects(pool.submit(1, { signal } as never), (e: InvalidOptionError) => e instanceof InvalidOptionError && e.option === 'signal');
      }
      await assert.rejects(pool.submit(1, 'fast' as never), InvalidOptionError);
      assert.equal(await pool.submit(4, null), 8, 'null options mean none, and the one slot is free');
      await pool.whenIdle();
    } finally {
      await pool.close();
    }
  });

  it('close(null) closes; close("x") is refused and the pool keeps serving', async () => {
    const pool = new WorkPool<number, number, Doubler>(({ id }) => new Doubler(id), { maxWorkers: 1 });
    await assert.rejects(pool.close('x' as never), InvalidOptionError);
    assert.equal(pool.closed, false);
    assert.equal(await pool.submit(2), 4);
    await pool.close(null);
    assert.equal(pool.closed, true);
  });

  it('killAll() ends generic WorkPools too', async () => {
    const made: Doubler[] = [];
    const pool = new WorkPool<number, number, Doubler>(({ id }) => made[made.push(new Doubler(id)) - 1], { maxWorkers: 2, minWorkers: 2 });
    await eventually(() => pool.stats.workers === 2);
    await killAll();
    assert.equal(pool.closed, true);
    assert.ok(made.length === 2 && made.every((w) => w.destroyed), 'every worker destroyed');
  });
});
