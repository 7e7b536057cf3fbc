// Leaks: 50 create / run / end cycles per runtime (200 in `npm run test:chaos`), each pool ended
// by close(), close({ force }) or kill() in turn, leave no OS thread, child process, active handle
// or timer (process.getActiveResourcesInfo()), no listener on process, no reachable pool (WeakRef
// after a real gc) and a flat heap. Also: a long-lived pool that recycles workers (ttl) lets go
// of the workers it ended.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createPool, type PoolWorker, WorkPool } from 'workforcejs';
import { childPids, osThreads, running } from '../chaos/proc.js';
import { eventually, fixture, RUNTIMES, sleep } from '../helpers.js';

const FULL = process.env.WORKFORCE_CHAOS === 'full';
const MODULE = fixture('chaos-worker.mjs');
const MB = 1024 * 1024;

/** A real collection: --expose-gc cannot be given to the runner, but the flag can be set at run time. */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const fn: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
  // without a real collection the heap and WeakRef checks below would mean nothing
  assert.equal(typeof fn, 'function', 'global.gc could not be enabled');
  return fn as () => void;
})();

async function collect(): Promise<number> {
  // WeakRefs and finalizers are only cleared between jobs: let a few turns pass around the gc
  for (let i = 0; i < 3; i++) {
    await sleep(10);
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/** Listeners on process, for every event that has one (exit, signals, uncaughtException, …). */
const listeners = () => Object.fromEntries(process.eventNames().map((e) => [String(e), process.listenerCount(e)]));

function tally(list: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of list) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** Handles and requests (timers too) that are more numerous now than in `before`. */
function extraHandles(before: string[]): string[] {
  const was = tally(before);
  const now = tally(process.getActiveResourcesInfo());
  return Object.entries(now)
    .filter(([type, n]) => n > (was[type] ?? 0))
    .map(([type, n]) => `${type} ${was[type] ?? 0} → ${n}`);
}

describe('no leaks across create / run / close cycles', () => {
  for (const runtime of RUNTIMES) {
    const cycles = FULL ? 200 : 50;
    it(`${cycles} cycles on ${runtime === 'thread' ? 'threads' : 'processes'} leave no thread, process, handle or listener, and the heap flat`, {
      timeout: 120_000,
    }, async (t) => {
      /** Every pool made: once ended, none may stay reachable. */
      const pools: WeakRef<object>[] = [];
      const cycle = async (i: number) => {
        // plain-JS fixture: workers need not load the runner's tsx, so a cycle is fast
        const pool = createPool({ module: MODULE, runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] } });
        pools.push(new WeakRef(pool));
        try {
          const answers = await Promise.all([pool.runMethod<{ n: number; pid: number }>('ping', i), pool.runMethod<{ n: number }>('ping', i + 1)]);
          assert.deepEqual(
            answers.map((a) => a.n),
            [i, i + 1],
          );
        } catch (error) {
          // a failed cycle must not leave its worker keeping this file running
          await pool.kill();
          throw error;
        }
        const pids = pool.workers.map((w) => w.pid).filter((pid): pid is number => pid !== undefined);
        const threads = pool.workers.map((w) => w.threadId);
        // every way to end a pool: drain, force, kill
        if (i % 3 === 0) await pool.close();
        else if (i % 3 === 1) await pool.close({ force: true });
        else await pool.kill();
        assert.equal(pool.workers.length, 0);
        if (runtime === 'process') {
          assert.equal(pids.length, 1);
          for (const pid of pids) assert.ok(!running(pid), `worker process ${pid} alive after close() resolved`);
        } else {
          assert.equal(threads.filter((t) => typeof t === 'number' && t > 0).length, 1);
        }
      };

      // Warm up: the first cycle loads modules and installs process-wide guards once.
      await cycle(0);
      await sleep(50);
      const handles = process.getActiveResourcesInfo();
      const events = listeners();
      const threads = osThreads();
      const kidsBefore = childPids(); // tsx's esbuild service, for one
      const heap = await collect();

      for (let i = 1; i < cycles; i++) await cycle(i);

      // Handles of ended threads and processes close a moment after their exit.
      await eventually(() => extraHandles(handles).length === 0, 5000).catch(() => assert.fail(`handles left: ${extraHandles(handles).join(', ')}`));
      assert.deepEqual(listeners(), events, 'no listener left on process');
      if (threads !== undefined) {
        // V8 and libuv may start a helper thread or two on demand; a leak would be one per cycle.
        await eventually(() => (osThreads() ?? 0) <= threads + 4, 5000).catch(() =>
          assert.fail(`OS threads: ${threads} after the first cycle, ${osThreads()} after ${cycles}`),
        );
      }
      // the reaper shell exits a moment after the last worker (its stdin closes): wait for it, not forever
      const left = () => childPids()?.filter((pid) => !kidsBefore?.includes(pid)) ?? [];
      await eventually(() => left().length === 0, 5000).catch(() => assert.deepEqual(left(), [], 'no child process left'));
      const grown = ((await collect()) - heap) / MB;
      t.diagnostic(`heap ${grown >= 0 ? '+' : ''}${grown.toFixed(2)} MB over ${cycles - 1} cycles`);
      assert.ok(grown < 5, `heap grew ${grown.toFixed(1)} MB over ${cycles - 1} cycles`);
      const kept = pools.filter((r) => r.deref() !== undefined).length;
      assert.equal(kept, 0, `${kept} of ${pools.length} ended pools are still reachable`);
    });
  }

  it('a pool that recycles its workers (ttl) lets go of the ones it ended', { timeout: 30_000 }, async () => {
    // Each fake worker holds ~1 MB; with ttl 1 the pool ends one per task.
    const refs: WeakRef<object>[] = [];
    class Heavy implements PoolWorker<number, number> {
      active = true;
      readonly ballast = new Array(128 * 1024).fill(1);
      constructor(readonly id: number) {
        refs.push(new WeakRef(this));
      }
      async execute(n: number): Promise<number> {
        await sleep(0);
        return n;
      }
      destroy(): void {
        this.active = false;
      }
    }
    const pool = new WorkPool<number, number, Heavy>(({ id }) => new Heavy(id), { minWorkers: 1, maxWorkers: 2, ttl: 1 });
    const heap = await collect();
    for (let round = 0; round < 10; round++) {
      const out = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.submit(round * 100 + i)));
      assert.equal(out.length, 20);
    }
    assert.ok(refs.length >= 190, `${refs.length} workers made`);
    const grown = ((await collect()) - heap) / MB;
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    await pool.close();
    // Only the live workers (and perhaps one on its way out) may still be referenced.
    assert.ok(alive <= 4, `${alive} of ${refs.length} ended workers still referenced by the pool (heap +${grown.toFixed(1)} MB)`);
  });
});
