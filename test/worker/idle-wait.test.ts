// The pool option idleWait on real threads: an idle worker waits for its next frame in
// Atomics.wait (seen from inside as a busy event loop: a thread blocked in a callback is not idle
// in its loop) and is woken by every frame the pool posts, yet it never waits so while work is
// pending: a timer or a MessagePort left behind, a task awaiting timers, nested calls, pool
// messages, aborts, close. Each case would stall (a slice of 20 ms per step, or for ever) if the
// worker blocked where it must not.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { createPool, type ModulePool, TaskAbortedError } from 'workforcejs';
import { fixture, sleep } from '../helpers.js';

const pools: ModulePool[] = [];
after(() => Promise.all(pools.map((pool) => pool.close())));

function make(idleWait: boolean, killTimeout = 500): ModulePool {
  const pool = createPool({ module: fixture('idle-wait-worker.mjs'), numberOfWorkers: 1, execArgv: [], idleWait, killTimeout });
  pools.push(pool);
  return pool;
}

/** The worker's event-loop utilisation over `ms` of rest after the last task. */
async function busyAtRest(pool: ModulePool, ms = 300): Promise<number> {
  await pool.runMethod('markLoop');
  await sleep(ms);
  return (await pool.runMethod('loopBusy')) as number;
}

describe('idleWait (thread workers)', { timeout: 60_000 }, () => {
  it('an idle worker waits in Atomics.wait with it, in its event loop without it', async () => {
    assert.ok((await busyAtRest(make(true))) > 0.7, 'blocked in Atomics.wait');
    assert.ok((await busyAtRest(make(false))) < 0.3, 'idle in its event loop');
  });

  it('sequential tasks and pool messages wake it at once', async () => {
    const pool = make(true);
    await pool.runMethod('markLoop');
    const start = performance.now();
    for (let i = 0; i < 100; i++) assert.equal(await pool.run(i), i * 2);
    const echoed: number[] = [];
    let heard: (n: number) => void = () => {};
    pool.onMessage('echoed', (n) => heard(n as number));
    for (let i = 0; i < 50; i++) {
      const reply = new Promise<number>((resolve) => (heard = resolve));
      pool.postMessageToWorkers('echo', i);
      echoed.push(await reply);
    }
    const ms = performance.now() - start;
    assert.deepEqual(echoed, [...Array(50).keys()]);
    // 150 round trips, each a whole 20 ms slice if a frame did not wake the worker: 3 s
    assert.ok(ms < 1000, `${ms} ms`);
    assert.ok(((await pool.runMethod('loopBusy')) as number) > 0.5, 'it waited in Atomics.wait between them');
  });

  it('a timer a task left behind keeps it in its event loop, and it waits again once the timer is gone', async () => {
    const pool = make(true);
    await pool.runMethod('startTicker');
    assert.ok((await busyAtRest(pool, 400)) < 0.5, 'not blocked while the interval runs');
    const ticks = (await pool.runMethod('stopTicker')) as number;
    // a worker blocked in slices of 20 ms would tick at most ~25 times in 400 ms
    assert.ok(ticks > 60, `${ticks} ticks`);
    assert.ok((await busyAtRest(pool)) > 0.7, 'waiting in Atomics.wait again');
  });

  it("an unref'd timer left behind still fires (the wait is sliced)", async () => {
    const pool = make(true);
    const fired = new Promise((resolve) => pool.onMessage('fired', resolve));
    await pool.runMethod('unrefTimer', 30);
    // a wait without slices would never let it fire
    assert.equal(await Promise.race([fired, sleep(3_000).then(() => 'not fired within 3 s')]), 30);
  });

  it('a MessagePort the worker serves keeps it in its event loop', async () => {
    const pool = make(true);
    const { port1, port2 } = new MessageChannel();
    try {
      await pool.addTask(port2, { method: 'serve', transfer: [port2] });
      const start = performance.now();
      for (let n = 0; n < 50; n++) {
        const reply = new Promise((resolve) => port1.once('message', resolve));
        port1.postMessage(n);
        assert.equal(await reply, n + 1);
      }
      const ms = performance.now() - start;
      assert.ok(ms < 500, `50 round trips on the port took ${ms} ms`);
      assert.ok((await busyAtRest(pool)) < 0.5, 'not blocked while its port is open');
    } finally {
      port1.close();
    }
  });

  it('a task awaiting timers is never blocked', async () => {
    const pool = make(true);
    const start = performance.now();
    const busy = (await pool.runMethod('awaitTimers', 50)) as number;
    const ms = performance.now() - start;
    assert.ok(busy < 0.5, `busy ${busy}`);
    assert.ok(ms < 700, `50 timers of 2 ms took ${ms} ms`);
  });

  it('nested calls are answered while their task waits', async () => {
    const pool = make(true);
    assert.deepEqual(await pool.addTask([1, 2, 3, 4], { method: 'fanOut' }), [2, 4, 6, 8]);
    assert.deepEqual(await pool.addTask([5], { method: 'fanOut' }), [10]);
  });

  it('aborts reach a running and a queued task, and the worker serves on', async () => {
    const pool = make(true);
    await busyAtRest(pool, 50);
    const running = new AbortController();
    const queued = new AbortController();
    const first = pool.addTask(null, { method: 'hang', signal: running.signal });
    const second = pool.addTask(null, { method: 'hang', signal: queued.signal });
    await sleep(50);
    queued.abort();
    await assert.rejects(second, TaskAbortedError);
    running.abort();
    await assert.rejects(first, TaskAbortedError);
    assert.equal(await pool.run(21), 42);
  });

  it('close ends an idle, waiting worker at once, without its kill timeout', async () => {
    const pool = make(true, 30_000);
    assert.ok((await busyAtRest(pool, 100)) > 0.5);
    const start = performance.now();
    await pool.close();
    const ms = performance.now() - start;
    assert.ok(ms < 5_000, `close took ${ms} ms`);
  });

  it('a forced close terminates a waiting worker', async () => {
    const pool = make(true, 30_000);
    await busyAtRest(pool, 100);
    const start = performance.now();
    await pool.close({ force: true });
    assert.ok(performance.now() - start < 5_000);
  });
});
