// Shutdown under load: close() drains (running and queued calls finish), close({ force }) rejects
// the queued ones with PoolClosedError and lets the running ones finish, kill() ends everything
// at once; calls after close reject with PoolClosedError; a parent that exits without closing
// leaves no child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { createPool, type ModulePool, PoolClosedError } from 'workforce';
import { running } from '../chaos/proc.js';
import { eventually, fixture, RUNTIMES } from '../helpers.js';

const MODULE = fixture('chaos-worker.mjs');

function pool(runtime: 'thread' | 'process', workers = 2): ModulePool {
  // plain-JS fixture: workers need not load the runner's tsx
  return createPool({ module: MODULE, runtime, numberOfWorkers: workers, execArgv: [], fork: { execArgv: [] } });
}

interface Settled {
  ok: boolean;
  value: unknown;
}

/** Settles every call into a record, so a test can look at them after the fact. */
function track(calls: Promise<unknown>[]): Settled[] {
  const out: Settled[] = calls.map(() => ({ ok: false, value: undefined }));
  calls.forEach((c, i) => {
    c.then(
      (value) => {
        out[i] = { ok: true, value };
      },
      (value) => {
        out[i] = { ok: false, value };
      },
    );
  });
  return out;
}

async function ready(p: ModulePool, n: number): Promise<number[]> {
  await Promise.all(Array.from({ length: n }, (_, i) => p.runMethod('ping', i)));
  await eventually(() => p.stats.perWorker.filter((w) => w.state === 'ready').length === n);
  return p.workers.map((w) => w.pid).filter((pid): pid is number => pid !== undefined);
}

async function gone(pids: number[]): Promise<void> {
  await eventually(() => pids.every((pid) => !running(pid)), 3000).catch(() => assert.fail(`alive: ${pids.filter(running).join(', ')}`));
}

describe('shutdown under load', () => {
  for (const runtime of RUNTIMES) {
    it(`close() lets running and queued calls finish, then ends every worker (${runtime})`, async () => {
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
    });

    it(`close({ force: true }) rejects queued calls with PoolClosedError and lets running ones finish (${runtime})`, async () => {
      const p = pool(runtime);
      const pids = await ready(p, 2);
      const calls = Array.from({ length: 20 }, (_, i) => p.runMethod<number>('sleep', 150, i));
      const out = track(calls);
      await eventually(() => p.stats.running >= 2);
      const inFlight = p.stats.running;
      const before = out.filter((o) => o.ok).length;
      const closing = p.close({ force: true });
      assert.equal(p.stats.queued, 0, 'queued calls are rejected at once');
      await closing;
      await Promise.allSettled(calls);
      const finished = out.filter((o) => o.ok);
      const refused = out.filter((o) => !o.ok);
      // Calls sent ahead to a worker (pipelining) count as running: they finish too.
      assert.equal(finished.length - before, inFlight, `the ${inFlight} calls running at close() finished (${finished.length - before} did)`);
      assert.equal(finished.length + refused.length, 20);
      for (const r of refused) assert.ok(r.value instanceof PoolClosedError, String(r.value));
      assert.equal(p.workers.length, 0);
      await gone(pids);
    });

    it(`kill() during load ends everything at once: every pending call rejects with PoolClosedError (${runtime})`, async () => {
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
      for (const o of out) assert.ok(!o.ok && o.value instanceof PoolClosedError, String(o.value));
      assert.equal(p.workers.length, 0);
      assert.equal(p.stats.queued + p.stats.running, 0);
      await gone(pids);
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

  for (const how of ['exit', 'throw', 'SIGKILL'] as const) {
    it(`a parent that ends without closing (${how}) leaves no worker process`, { timeout: 30_000 }, async () => {
      const child = spawn(process.execPath, [fixture('chaos-orphan-parent.mjs'), how === 'SIGKILL' ? 'wait' : how, MODULE], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await eventually(() => stdout.includes('\n'), 15_000).catch(() => assert.fail(`the parent printed no pids; stderr: ${stderr}`));
      const pids = JSON.parse(stdout.split('\n')[0]) as number[];
      assert.equal(pids.length, 2);
      assert.ok(pids.every(running), 'workers run while the parent does');
      if (how === 'SIGKILL') child.kill('SIGKILL');
      const code = await exited;
      if (how === 'throw') assert.equal(code, 1, stderr);
      await gone(pids);
    });
  }
});
