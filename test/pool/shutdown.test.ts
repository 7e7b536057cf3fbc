// Shutdown under load: close() drains (running and queued calls finish), close({ force }) rejects
// the queued ones with PoolClosedError and lets the running ones finish, kill() ends everything
// at once; calls after close reject with PoolClosedError; a parent that exits without closing
// leaves no child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import { createPool, type ModulePool, PoolClosedError } from 'workforcejs';
import { running } from '../chaos/proc.js';
import { eventually, fixture, RUNTIMES } from '../helpers.js';

const MODULE = fixture('chaos-worker.mjs');

/** Pools made by the running test: killed after it, so a failed assertion leaves no worker to keep this file running. */
const made: ModulePool[] = [];

function pool(runtime: 'thread' | 'process', workers = 2): ModulePool {
  // plain-JS fixture: workers need not load the runner's tsx
  const p = createPool({ module: MODULE, runtime, numberOfWorkers: workers, execArgv: [], fork: { execArgv: [] } });
  made.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.kill()));
});

interface Settled {
  /** undefined while the call is pending */
  ok: boolean | undefined;
  value: unknown;
  /** Settlement order across every tracked call (0 while pending). */
  order: number;
}

let settlements = 0;

/** Settles every call into a record, so a test can look at them after the fact. */
function track(calls: Promise<unknown>[]): Settled[] {
  const out: Settled[] = calls.map(() => ({ ok: undefined, value: undefined, order: 0 }));
  calls.forEach((c, i) => {
    c.then(
      (value) => {
        out[i] = { ok: true, value, order: ++settlements };
      },
      (value) => {
        out[i] = { ok: false, value, order: ++settlements };
      },
    );
  });
  return out;
}

/** The pool's threads are gone: no more worker MessagePorts than `before` (threads have no pid to check). */
async function threadsGone(before: string[]): Promise<void> {
  const ports = (list: string[]) => list.filter((r) => r === 'MessagePort' || r === 'Worker').length;
  await eventually(() => ports(process.getActiveResourcesInfo()) <= ports(before), 3000).catch(() =>
    assert.fail(`thread handles left: ${process.getActiveResourcesInfo().join(', ')}`),
  );
}

async function ready(p: ModulePool, n: number): Promise<number[]> {
  await Promise.all(Array.from({ length: n }, (_, i) => p.runMethod('ping', i)));
  await eventually(() => p.stats.perWorker.filter((w) => w.state === 'ready').length === n);
  return p.workers.map((w) => w.pid).filter((pid): pid is number => pid !== undefined);
}

async function gone(pids: number[]): Promise<void> {
  await eventually(() => pids.every((pid) => !running(pid)), 3000).catch(() => assert.fail(`alive: ${pids.filter(running).join(', ')}`));
}

/**
 * Two workers, each running one 400 ms call with more sent ahead to it (pipelining) and the rest
 * waiting in the pool. The window opens only while the pool's mean call is under 1 ms, which a
 * loaded machine can push past between the short calls and the long ones: then the whole setup is
 * made again (at most 5 times), since the tests using it are about taking calls back.
 */
async function sentAheadScenario(runtime: 'thread' | 'process') {
  for (let tries = 1; ; tries++) {
    const p = pool(runtime);
    const pids = await ready(p, 2);
    // many short calls first: the pool then sends calls ahead to its workers
    await Promise.all(Array.from({ length: 200 }, (_, i) => p.runMethod('ping', i)));
    const calls = Array.from({ length: 20 }, (_, i) => p.runMethod<number>('sleep', 400, i));
    const out = track(calls);
    // one call runs on each worker; the others were sent ahead to a worker, or wait in the pool
    await eventually(() => p.stats.running === 2);
    if (p.stats.sentAhead > 0) return { p, pids, calls, out };
    assert.ok(tries < 5, 'no call was sent ahead in 5 tries: the pipelining window never opened');
    await p.kill();
    await Promise.allSettled(calls);
    await gone(pids);
  }
}

describe('shutdown under load', () => {
  for (const runtime of RUNTIMES) {
    it(`close() lets running and queued calls finish, then ends every worker (${runtime})`, async () => {
      const handles = process.getActiveResourcesInfo();
      const p = pool(runtime);
      const pids = await ready(p, 2);
      const calls = Array.from({ length: 20 }, (_, i) => p.runMethod<number>('sleep', 20, i));
      await eventually(() => p.stats.running > 0);
      const closing = p.close();
      await assert.rejects(p.runMethod('ping', 1), PoolClosedError, 'no new call once closing');
      assert.deepEqual(await Promise.all(calls), [...Array(20).keys()]);
      await closing;
      assert.equal(p.workers.length, 0);
      assert.equal(p.stats.queued + p.stats.running, 0);
      await gone(pids);
      await threadsGone(handles);
    });

    it(`close({ force: true }) rejects queued calls with PoolClosedError and lets running ones finish (${runtime})`, async () => {
      const { p, pids, calls, out } = await sentAheadScenario(runtime);
      const before = out.filter((o) => o.ok === true).length;
      const closing = p.close({ force: true });
      const count = (ok: boolean) => out.filter((o) => o.ok === ok).length;
      // Every call that had not started is refused at once (those sent ahead are taken back from
      // their worker), while the two running calls still run.
      await eventually(() => count(false) === 20 - before - 2, 1000).catch(() => assert.fail(`${count(false)} calls refused, ${count(true)} finished`));
      assert.equal(p.stats.queued, 0, 'nothing queued');
      await closing;
      await Promise.allSettled(calls);
      const finished = out.filter((o) => o.ok === true);
      const refused = out.filter((o) => o.ok === false);
      assert.equal(finished.length - before, 2, `the 2 calls running at close() finished (${finished.length - before} did)`);
      assert.equal(refused.length, 18 - before, 'every other call was refused');
      const lastRefusal = Math.max(...refused.map((r) => r.order));
      const firstFinish = Math.min(
        ...finished
          .map((r) => r.order)
          .sort((a, b) => a - b)
          .slice(before),
      );
      assert.ok(lastRefusal < firstFinish, 'every refusal came before the running calls finished');
      for (const r of refused) assert.ok(r.value instanceof PoolClosedError, String(r.value));
      assert.equal(p.workers.length, 0);
      await gone(pids);
    });

    it(`close({ force: true }) during a draining close() refuses the calls that have not started (${runtime})`, async () => {
      const p = pool(runtime);
      const pids = await ready(p, 2);
      const calls = Array.from({ length: 12 }, (_, i) => p.runMethod<number>('sleep', 300, i));
      const out = track(calls);
      await eventually(() => p.stats.running === 2);
      const draining = p.close();
      void p.close({ force: true });
      await eventually(() => out.filter((o) => o.ok === false).length === 10, 1000).catch(() =>
        assert.fail(`${out.filter((o) => o.ok === false).length} of the 10 calls not started were refused`),
      );
      await draining;
      await Promise.allSettled(calls);
      assert.equal(out.filter((o) => o.ok === true).length, 2, 'the 2 running calls finished');
      for (const o of out) if (o.ok === false) assert.ok(o.value instanceof PoolClosedError, String(o.value));
      await gone(pids);
    });

    it(`kill() during load ends everything at once: every pending call rejects with PoolClosedError (${runtime})`, async () => {
      const handles = process.getActiveResourcesInfo();
      const p = pool(runtime);
      const pids = await ready(p, 2);
      const calls = Array.from({ length: 20 }, (_, i) => p.runMethod('sleep', 10_000, i));
      const out = track(calls);
      await eventually(() => p.stats.running === 2);
      const began = Date.now();
      await p.kill();
      await Promise.allSettled(calls);
      const took = Date.now() - began;
      assert.ok(took < 2000, `kill took ${took} ms`);
      for (const o of out) assert.ok(o.ok === false && o.value instanceof PoolClosedError, String(o.value));
      assert.equal(p.workers.length, 0);
      assert.equal(p.stats.queued + p.stats.running, 0);
      await gone(pids);
      await threadsGone(handles);
    });

    it(`kill() while close() drains ends the running and queued calls at once, and both resolve (${runtime})`, async () => {
      const handles = process.getActiveResourcesInfo();
      const p = pool(runtime);
      const pids = await ready(p, 2);
      const calls = Array.from({ length: 10 }, (_, i) => p.runMethod('sleep', 10_000, i));
      const out = track(calls);
      await eventually(() => p.stats.running === 2);
      const closing = p.close();
      const began = Date.now();
      await p.kill();
      await closing;
      await Promise.allSettled(calls);
      assert.ok(Date.now() - began < 2000, `kill took ${Date.now() - began} ms`);
      for (const o of out) assert.ok(o.ok === false && o.value instanceof PoolClosedError, String(o.value));
      assert.equal(p.workers.length, 0);
      await gone(pids);
      await threadsGone(handles);
    });

    it(`every kind of call after close() or kill() rejects with PoolClosedError (${runtime})`, async () => {
      for (const end of ['close', 'kill'] as const) {
        const p = pool(runtime, 1);
        await ready(p, 1);
        await p[end]();
        await assert.rejects(p.run({ id: 1, kind: 'ok' }), PoolClosedError);
        await assert.rejects(p.runMethod('ping', 1), PoolClosedError);
        await assert.rejects(p.addTask({ id: 1, kind: 'ok' }), PoolClosedError);
        await assert.rejects(p.broadcastMethod('ping', 1), PoolClosedError);
        // closing again is harmless
        await p.close();
        await p.kill();
      }
    });
  }

  for (const how of ['exit', 'throw', 'SIGTERM', 'SIGKILL'] as const) {
    it(`a parent that ends without closing (${how}) leaves no worker process`, { timeout: 30_000 }, async () => {
      const signal = how === 'SIGKILL' || how === 'SIGTERM' ? how : undefined;
      const child = spawn(process.execPath, [fixture('chaos-orphan-parent.mjs'), signal ? 'wait' : how, MODULE], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let pids: number[] = [];
      try {
        await eventually(() => stdout.includes('\n'), 15_000).catch(() => assert.fail(`the parent printed no pids; stderr: ${stderr}`));
        pids = JSON.parse(stdout.split('\n')[0]) as number[];
        assert.equal(pids.length, 2);
        assert.ok(pids.every(running), 'workers run while the parent does');
        if (signal) child.kill(signal);
        else child.stdin.write('go\n');
        const code = await exited;
        if (how === 'throw') assert.equal(code, 1, stderr);
        if (how === 'exit') assert.equal(code, 0, stderr);
        await gone(pids);
      } finally {
        // never leave the parent or its workers behind, even when an assertion failed
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        for (const pid of pids.filter(running)) process.kill(pid, 'SIGKILL');
      }
    });
  }
});
