// Affinity, stealing, nested tasks and stats on a real module pool with pipelining on (the
// default prefetch): calls sent ahead wait inside a worker where nothing can steal them, so
// tasks bound to a worker by light or strong affinity must stay in the pool's queues.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, type ModulePool } from 'workforcejs';
import { fixture } from '../helpers.js';

const module = fixture('sched-nested.mjs');
type Placed = { worker: number };

/** Both workers online and their pipelining windows open (many sub-millisecond calls). */
async function warmed(options: Parameters<typeof createPool>[0]): Promise<ModulePool> {
  const pool = createPool(options);
  await pool.broadcast({ op: 'spin', ms: 0.05 });
  for (let i = 0; i < 20; i++) await Promise.all([pool.addTask({ op: 'spin', ms: 0.05 }), pool.addTask({ op: 'spin', ms: 0.05 })]);
  return pool;
}

function tally(results: Placed[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of results) counts[r.worker] = (counts[r.worker] ?? 0) + 1;
  return counts;
}

describe('affinity with pipelining on (module pool)', () => {
  it('light tasks for a busy worker run on the idle one instead of being sent ahead', async () => {
    const pool = await warmed({ module, numberOfWorkers: 2 });
    try {
      const busy = pool.workers[0].id as number;
      const long = pool.addTask({ op: 'nap', ms: 500 }, { affinity: busy, affinityStrength: 'force' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const light = await Promise.all(Array.from({ length: 10 }, () => pool.addTask<Placed>({ op: 'nap', ms: 1 }, { affinity: busy })));
      assert.equal(tally(light)[busy] ?? 0, 0, `none waited behind the long task: ${JSON.stringify(tally(light))}`);
      await long;
    } finally {
      await pool.close();
    }
  });

  it('strong tasks move only past the threshold (4), even with calls sent ahead', async () => {
    const pool = await warmed({ module, numberOfWorkers: 2 });
    try {
      const home = pool.workers[0].id as number;
      const strong = (n: number) =>
        Promise.all(Array.from({ length: n }, () => pool.addTask<Placed>({ op: 'spin', ms: 3 }, { affinity: home, affinityStrength: 'strong' })));
      // one runs, four wait: an imbalance of 4 is not past the threshold, the idle worker takes none
      const within = tally(await strong(5));
      assert.deepEqual(within, { [home]: 5 }, `5 strong tasks all stayed home: ${JSON.stringify(within)}`);
      // 40 at once: the idle worker takes some while home's queue is more than 4 longer than its own;
      // home keeps the one it runs and the last four (never past the threshold)
      const placed = tally(await strong(40));
      const moved = 40 - (placed[home] ?? 0);
      assert.ok(moved > 0, `40 tasks queued on one worker (imbalance 39 > 4): some moved (${JSON.stringify(placed)})`);
      assert.ok((placed[home] ?? 0) >= 5, `home kept the one it ran and the last four: ${JSON.stringify(placed)}`);
    } finally {
      await pool.close();
    }
  });

  for (const runtime of ['thread', 'process'] as const) {
    it(`a nested task does not deadlock when the parent's worker reached its ttl (${runtime})`, async () => {
      const pool = createPool({ module, runtime, numberOfWorkers: 1, concurrency: 1, ttl: 1 });
      try {
        const result = await pool.addTask<{ sum: number }>({ op: 'parent', values: [1, 2] });
        assert.equal(result.sum, 6);
      } finally {
        await pool.close();
      }
    });
  }

  for (const runtime of ['thread', 'process'] as const) {
    it(`a fan-out of CPU-bound nested tasks is shared with an idle worker, not piled onto the parent's (${runtime})`, async () => {
      const pool = createPool({ module, runtime, numberOfWorkers: 2, concurrency: 1 });
      try {
        await pool.broadcast({ op: 'where' });
        const { workers } = await pool.addTask<{ workers: number[] }>({ op: 'fanout', values: [1, 2, 3, 4, 5, 6], ms: 60 });
        const placed = tally(workers.map((worker) => ({ worker })));
        const counts = Object.values(placed);
        assert.ok(counts.length === 2 && Math.min(...counts) >= 2, `6 nested tasks on 2 workers, about evenly: ${JSON.stringify(placed)}`);
      } finally {
        await pool.close();
      }
    });
  }

  it('stats: a call sent ahead counts its wait in the worker as waitTime, not runTime', async () => {
    const pool = await warmed({ module, numberOfWorkers: 1 });
    try {
      await Promise.all(Array.from({ length: 300 }, () => pool.addTask({ op: 'spin', ms: 0.5 })));
      const { runTime, waitTime } = pool.stats;
      assert.ok(runTime.p50 < 5, `0.5 ms calls: runTime p50 ${runTime.p50} ms`);
      assert.ok(waitTime.p50 > runTime.p50, `they mostly waited: waitTime p50 ${waitTime.p50} ms`);
    } finally {
      await pool.close();
    }
  });
});
