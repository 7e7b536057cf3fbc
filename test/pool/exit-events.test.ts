// Issue 19: `exit` events say whether the pool asked for the exit (close, kill, ttl, a timed-out
// call that would not stop) or the worker crashed; WorkerCrashError names the thread (threadId)
// or the process (pid) that died.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createPool, type ModulePool, type PoolOptions, WorkerCrashError, type WorkerExit } from 'workforcejs';
import { eventually, fixture, RUNTIMES } from '../helpers.js';

const MODULE = fixture('dur-worker.mjs');
const root = mkdtempSync(join(tmpdir(), 'exit-events-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Seen {
  id: number | string;
  code: number | null;
  signal: string | null;
  exit: WorkerExit;
}

function make(runtime: (typeof RUNTIMES)[number], options: Partial<PoolOptions> = {}): { pool: ModulePool; exits: Seen[] } {
  const pool = createPool({ module: MODULE, runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] }, ...options });
  const exits: Seen[] = [];
  pool.on('exit', (worker: { id: number | string }, code: number | null, signal: string | null, exit: WorkerExit) =>
    exits.push({ id: worker.id, code, signal, exit }),
  );
  return { pool, exits };
}

for (const runtime of RUNTIMES) {
  describe(`exit events and crash identity (${runtime})`, () => {
    it('a normal close() fires exit with planned: true', async () => {
      const { pool, exits } = make(runtime, { numberOfWorkers: 2 });
      await pool.broadcastMethod('whoami');
      await pool.close();
      assert.equal(exits.length, 2);
      for (const e of exits) assert.deepEqual(e.exit, { planned: true, terminated: false });
    });

    it('kill() and ttl recycling are planned too', async () => {
      const { pool, exits } = make(runtime, { ttl: 1 });
      await pool.run('a');
      await eventually(() => exits.length === 1);
      assert.deepEqual(exits[0].exit, { planned: true, terminated: false }, 'ttl');
      await pool.run('b');
      await pool.kill();
      assert.ok(exits.length >= 2);
      for (const e of exits) assert.equal(e.exit.planned, true);
    });

    it('a crash fires exit with planned: false, and its WorkerCrashError carries the threadId or pid', async () => {
      const { pool, exits } = make(runtime, { maxRetries: 0 });
      try {
        const who = await pool.runMethod<{ pid: number; threadId: number }>('whoami');
        const error = await pool.runMethod('poison', mkdtempSync(join(root, 'p-')), 'exit').catch((e: unknown) => e);
        assert.ok(error instanceof WorkerCrashError, String(error));
        assert.equal(error.exitCode, 7);
        if (runtime === 'thread') {
          assert.equal(error.threadId, who.threadId);
          assert.ok(typeof error.threadId === 'number' && error.threadId > 0);
          assert.equal(error.pid, undefined);
        } else {
          assert.equal(error.pid, who.pid);
          assert.equal(error.threadId, undefined);
        }
        await eventually(() => exits.length === 1);
        assert.equal(exits[0].code, 7);
        assert.deepEqual(exits[0].exit, { planned: false, terminated: false });
      } finally {
        await pool.close();
      }
    });

    it('a timed-out call that would not stop: its worker is terminated (planned, terminated)', async () => {
      const { pool, exits } = make(runtime, { timeout: 100, cancelGracePeriod: 50 });
      try {
        await assert.rejects(pool.runMethod('stubborn', mkdtempSync(join(root, 's-')), 10_000), { name: 'TimeoutError' });
        await eventually(() => exits.length === 1);
        assert.deepEqual(exits[0].exit, { planned: true, terminated: true });
      } finally {
        await pool.close();
      }
    });
  });
}
