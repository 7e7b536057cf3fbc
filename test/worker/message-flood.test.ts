// A thread worker flooding postMessageToPool (issue 18, finding 9) is held to a budget of
// `maxPendingMessages` messages the pool has not handled: it is slowed, never the parent's
// memory. Counted in messages, not time: the flood is a fixed number of 1 KB messages, the pool's
// listener does real work per message (so without the budget the messages pile up in the parent).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createPool, InvalidOptionError, type ModulePool } from 'workforcejs';
import { fixture } from '../helpers.js';

const pools: ModulePool[] = [];
after(async () => {
  for (const pool of pools) await pool.kill();
});

function floodPool(options: { maxPendingMessages?: number } = {}) {
  const pool = createPool({ module: fixture('hostile-worker.mjs'), runtime: 'thread', numberOfWorkers: 2, ...options });
  pools.push(pool);
  return pool;
}

describe('postMessageToPool flood (thread)', () => {
  it("a worker posting 600,000 × 1 KB as fast as it can: the parent's RSS grows by under 128 MB, and other calls are answered meanwhile", async () => {
    const pool = floodPool({ maxPendingMessages: 256 });
    const COUNT = 600_000;
    let received = 0;
    pool.onMessage('flood', (content) => {
      received++;
      createHash('sha1')
        .update(content as string)
        .digest();
    });
    await Promise.all([pool.run({ op: 'ok', value: 0 }), pool.run({ op: 'ok', value: 0 })]);
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      let flooding = true;
      const flood = pool.run({ op: 'flood', count: COUNT, size: 1024 }).finally(() => {
        flooding = false;
      });
      // the other worker answers while the flood goes on (ordering, not timing: the flood takes its COUNT messages)
      const others = await Promise.all(Array.from({ length: 4 }, (_, i) => pool.run({ op: 'ok', value: i })));
      assert.deepEqual(others, [0, 1, 2, 3]);
      assert.equal(flooding, true, 'answered before the flood ended');
      assert.equal(await flood, COUNT);
      assert.equal(received, COUNT, 'every message arrived');
      peak = Math.max(peak, process.memoryUsage().rss);
    } finally {
      clearInterval(sampler);
    }
    const growth = (peak - base) / 2 ** 20;
    assert.ok(growth < 128, `the parent's RSS grew by ${growth.toFixed(0)} MB`);
    await pool.close();
  });

  it('every message arrives with the smallest budget (1)', async () => {
    const pool = floodPool({ maxPendingMessages: 1 });
    const seen: number[] = [];
    pool.onMessage('flood', (content) => seen.push((content as string).length));
    assert.equal(await pool.run({ op: 'flood', count: 2000, size: 3 }), 2000);
    assert.equal(seen.length, 2000);
    await pool.close();
  });

  it('maxPendingMessages must be a number ≥ 1 or Infinity', () => {
    for (const bad of [0, -1, 'x', null, Number.NaN]) {
      assert.throws(() => floodPool({ maxPendingMessages: bad as number }), InvalidOptionError, String(bad));
    }
    floodPool({ maxPendingMessages: Number.POSITIVE_INFINITY });
  });
});
