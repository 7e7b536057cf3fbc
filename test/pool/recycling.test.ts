// Memory recycling: maxHeapBeforeRecycle (bytes, checked after each call, both runtimes) recycles
// a worker whose heap grew past it without losing queued calls; resourceLimits reach threads as
// is and processes as --max-old-space-size.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, type ModuleWorker, type PoolOptions, type Runtime } from 'workforcejs';
import { fixture, RUNTIMES } from '../helpers.js';

const MODULE = fixture('heap-grower.mjs');
const MB = 1024 * 1024;

function pool(runtime: Runtime, options: Partial<PoolOptions> = {}) {
  return createPool({ module: MODULE, runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] }, ...options });
}

describe('maxHeapBeforeRecycle', { concurrency: 2 }, () => {
  for (const runtime of RUNTIMES) {
    it(`recycles a worker whose heap grew past the limit after a call, losing no queued call (${runtime})`, async () => {
      const p = pool(runtime, { maxHeapBeforeRecycle: 48 * MB });
      const recycled: ModuleWorker[] = [];
      const exits: [number | string, number | null, string | null][] = [];
      p.on('recycle', (worker: ModuleWorker) => recycled.push(worker));
      p.on('exit', (worker: ModuleWorker, code: number | null, signal: string | null) => exits.push([worker.id, code, signal]));
      try {
        // 16 calls queued at once on one worker, each keeping 8 MiB alive in it
        const ids = await Promise.all(Array.from({ length: 16 }, () => p.run(8)));
        assert.equal(ids.length, 16, 'every queued call was answered');
        const perWorker = new Map<unknown, number>();
        for (const id of ids) perWorker.set(id, (perWorker.get(id) ?? 0) + 1);
        assert.ok(perWorker.size >= 3, `16 × 8 MiB at a 48 MiB limit needs ≥ 3 workers, used ${[...perWorker.keys()]}`);
        for (const [id, n] of perWorker) assert.ok(n <= 7, `worker ${id} ran ${n} calls: the heap is checked after each call`);
        assert.ok(recycled.length >= 2, `recycle events: ${recycled.length}`);
        for (const w of recycled) assert.ok(perWorker.has(w.id), `recycled worker ${w.id} had served calls`);
        await p.whenIdle();
        for (const [id, code, signal] of exits) assert.deepEqual([code, signal], [0, null], `worker ${id} was ended gracefully, not crashed`);
      } finally {
        await p.close();
      }
    });
  }

  it('without the option the same load stays on one worker (the recycling above is the option)', async () => {
    const p = pool('thread');
    let recycled = 0;
    p.on('recycle', () => recycled++);
    try {
      const ids = await Promise.all(Array.from({ length: 10 }, () => p.run(8)));
      assert.deepEqual(new Set(ids), new Set([1]));
      assert.equal(recycled, 0);
    } finally {
      await p.close();
    }
  });
});

describe('resourceLimits', { concurrency: 2 }, () => {
  for (const runtime of RUNTIMES) {
    it(`maxOldGenerationSizeMb sets the worker's heap limit (${runtime === 'thread' ? 'resourceLimits' : '--max-old-space-size'})`, async () => {
      const limits: number[] = [];
      for (const mb of [64, 128]) {
        const p = pool(runtime, { resourceLimits: { maxOldGenerationSizeMb: mb } });
        try {
          const { limit, execArgv, pid } = await p.runMethod<{ limit: number; execArgv: string[]; pid: number }>('heapLimit');
          limits.push(limit);
          if (runtime === 'process') {
            assert.notEqual(pid, process.pid);
            assert.ok(execArgv.includes(`--max-old-space-size=${mb}`), `child execArgv: ${execArgv}`);
          } else assert.equal(pid, process.pid);
        } finally {
          await p.close();
        }
      }
      const [small, large] = limits;
      assert.ok(small < 256 * MB, `a 64 MB old generation gives a small heap (${Math.round(small / MB)} MiB)`);
      const grew = (large - small) / MB;
      assert.ok(grew >= 56 && grew <= 72, `64 → 128 MB adds ~64 MiB to the limit (${grew.toFixed(1)})`);
    });
  }
});
