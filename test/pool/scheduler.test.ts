import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExecuteContext, type PoolWorker, WorkPool } from 'workforcejs';
import { eventually, sleep } from '../helpers.js';

interface Job {
  ms: number;
  tag?: string;
}

/** An in-memory worker that records where each job ran. */
class FakeWorker implements PoolWorker<Job, number> {
  active = true;
  readonly ran: string[] = [];
  constructor(
    readonly id: number,
    private readonly log: Map<number, number>,
  ) {}
  async execute(job: Job, _ctx: ExecuteContext): Promise<number> {
    this.log.set(this.id, (this.log.get(this.id) ?? 0) + 1);
    await sleep(job.ms);
    return this.id;
  }
  destroy(): void {
    this.active = false;
  }
}

function fakePool(options: ConstructorParameters<typeof WorkPool>[1]) {
  const placements = new Map<number, number>();
  const pool = new WorkPool<Job, number, FakeWorker>(({ id }) => new FakeWorker(id, placements), options);
  return { pool, placements };
}

async function ready(pool: WorkPool<Job, number, FakeWorker>, n: number) {
  await eventually(() => pool.stats.perWorker.filter((w) => w.state === 'ready').length >= n);
}

describe('scheduler: least busy assignment', () => {
  it('spreads a burst over every idle worker', async () => {
    const { pool } = fakePool({ minWorkers: 4, maxWorkers: 4 });
    try {
      await ready(pool, 4);
      const ids = await Promise.all([0, 1, 2, 3].map(() => pool.submit({ ms: 50 })));
      assert.equal(new Set(ids).size, 4);
    } finally {
      await pool.close();
    }
  });
});

describe('scheduler: affinity and stealing', () => {
  it("'force' tasks never move, even when another worker idles", async () => {
    const { pool, placements } = fakePool({ minWorkers: 2, maxWorkers: 2 });
    try {
      await ready(pool, 2);
      const results = await Promise.all(Array.from({ length: 12 }, () => pool.submit({ ms: 5 }, { affinity: 1, affinityStrength: 'force' })));
      assert.deepEqual(new Set(results), new Set([1]));
      assert.equal(placements.get(2) ?? 0, 0);
    } finally {
      await pool.close();
    }
  });

  it("'light' tasks queued on a busy worker are stolen by an idle one", async () => {
    const { pool, placements } = fakePool({ minWorkers: 2, maxWorkers: 2 });
    try {
      await ready(pool, 2);
      await Promise.all(Array.from({ length: 20 }, () => pool.submit({ ms: 10 }, { affinity: 1, affinityStrength: 'light' })));
      assert.ok((placements.get(2) ?? 0) >= 5, `worker 2 ran ${placements.get(2)} of 20`);
      assert.ok(pool.stats.perWorker.find((w) => w.id === 1)!.stolen >= 5);
    } finally {
      await pool.close();
    }
  });

  it("'strong' tasks move only when the queue is longer than the threshold", async () => {
    const { pool, placements } = fakePool({ minWorkers: 2, maxWorkers: 2, strongAffinityThreshold: 4 });
    try {
      await ready(pool, 2);
      // 1 running + 4 queued: an imbalance of 4 is not above the threshold, nothing moves.
      await Promise.all(Array.from({ length: 5 }, () => pool.submit({ ms: 10 }, { affinity: 1, affinityStrength: 'strong' })));
      assert.equal(placements.get(2) ?? 0, 0);
      // 1 running + 15 queued: well past the threshold, some move, but not below it.
      placements.clear();
      await Promise.all(Array.from({ length: 16 }, () => pool.submit({ ms: 10 }, { affinity: 1, affinityStrength: 'strong' })));
      const moved = placements.get(2) ?? 0;
      assert.ok(moved >= 1, 'some strong tasks moved');
      assert.ok((placements.get(1) ?? 0) > 4, `worker 1 kept ${placements.get(1)}`);
    } finally {
      await pool.close();
    }
  });

  it('a skewed workload (one long queue) is balanced by stealing', async () => {
    const { pool, placements } = fakePool({ minWorkers: 2, maxWorkers: 2 });
    try {
      await ready(pool, 2);
      await Promise.all(Array.from({ length: 40 }, () => pool.submit({ ms: 5 }, { affinity: 1 })));
      const one = placements.get(1) ?? 0;
      const two = placements.get(2) ?? 0;
      assert.equal(one + two, 40);
      assert.ok(Math.abs(one - two) <= 8, `placements ${one} / ${two}`);
    } finally {
      await pool.close();
    }
  });

  it('an affinity to a worker that does not exist is a typed error at the call, whatever its strength', async () => {
    const { pool } = fakePool({ minWorkers: 1, maxWorkers: 1 });
    try {
      await ready(pool, 1);
      await assert.rejects(pool.submit({ ms: 1 }, { affinity: 99, affinityStrength: 'force' }), { name: 'InvalidOptionError' });
      await assert.rejects(pool.submit({ ms: 1 }, { affinity: 99 }), { name: 'InvalidOptionError' });
      assert.equal(await pool.submit({ ms: 1 }, { affinity: 1 }), 1);
      await assert.rejects(pool.submit({ ms: 1 }, { affinity: 1, affinityStrength: 'hard' as 'force' }), { name: 'InvalidOptionError' });
    } finally {
      await pool.close();
    }
  });
});

describe('scheduler: sizing', () => {
  it('grows to maxWorkers under queued load and shrinks back to minWorkers when idle', async () => {
    const { pool } = fakePool({ minWorkers: 1, maxWorkers: 3, maxIdleTime: 100 });
    try {
      await ready(pool, 1);
      let peak = 0;
      const timer = setInterval(() => {
        peak = Math.max(peak, pool.stats.workers);
      }, 5);
      await Promise.all(Array.from({ length: 12 }, () => pool.submit({ ms: 30 })));
      clearInterval(timer);
      assert.equal(peak, 3);
      await eventually(() => pool.stats.workers === 1, 3000);
      assert.equal(await pool.submit({ ms: 1 }).then(() => 'served'), 'served');
    } finally {
      await pool.close();
    }
  });

  it('keeps a fixed size when minWorkers = maxWorkers', async () => {
    const { pool } = fakePool({ minWorkers: 2, maxWorkers: 2 });
    try {
      await ready(pool, 2);
      await Promise.all(Array.from({ length: 10 }, () => pool.submit({ ms: 5 })));
      assert.equal(pool.stats.workers, 2);
    } finally {
      await pool.close();
    }
  });

  it('rejects sizes of the wrong type or range', () => {
    assert.throws(() => fakePool({ minWorkers: -1 }), { name: 'InvalidOptionError' });
    assert.throws(() => fakePool({ maxWorkers: 0 }), { name: 'InvalidOptionError' });
    assert.throws(() => fakePool({ minWorkers: 3, maxWorkers: 2 }), { name: 'InvalidOptionError' });
    assert.throws(() => fakePool({ timeout: Number.NaN }), { name: 'InvalidOptionError' });
    assert.throws(() => fakePool({ concurrency: 1.5 }), { name: 'InvalidOptionError' });
  });
});

describe('scheduler: stats', () => {
  it('reports counts, wait/run percentiles, utilisation and per-worker counts', async () => {
    const { pool } = fakePool({ minWorkers: 2, maxWorkers: 2 });
    try {
      await ready(pool, 2);
      await Promise.all(Array.from({ length: 20 }, () => pool.submit({ ms: 10 })));
      await assert.rejects(pool.submit({ ms: -1, tag: 'x' }, { signal: AbortSignal.abort() }), { name: 'TaskAbortedError' });
      const s = pool.stats;
      assert.equal(s.completed, 20);
      assert.equal(s.queued, 0);
      assert.equal(s.running, 0);
      assert.ok(s.runTime.p50 >= 9 && s.runTime.p99 >= s.runTime.p50, JSON.stringify(s.runTime));
      assert.ok(s.waitTime.p90 >= s.waitTime.p50);
      assert.ok(s.waitTime.max > 20, 'later tasks waited behind earlier ones');
      assert.equal(
        s.perWorker.reduce((n, w) => n + w.completed, 0),
        20,
      );
      assert.ok(s.utilization > 0 && s.utilization <= 1);
    } finally {
      await pool.close();
    }
  });
});
