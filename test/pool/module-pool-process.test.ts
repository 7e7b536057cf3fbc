// The module pool under `runtime: 'process'` only: transfer lists are copied over IPC, fork.env,
// a process that exits mid-call, and no process left behind by a failed load. What every runtime
// does (with the pid checks of close() and kill()) is the contract/ folder (one file per concern, on every runtime).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModuleLoadError, type ModulePool, type PoolOptions, WorkerCrashError } from 'workforcejs';
import { pidAlive, tempDirs } from '../helpers.js';
import { modulePool } from './pools.js';

const tmp = tempDirs('workforce-process-');

/** A one-worker process pool of mp-esm.mjs (fork.execArgv []: no tsx loader in the children). */
function pool(options: Partial<PoolOptions> = {}): ModulePool {
  return modulePool('process', options);
}

describe('module pool (process): calls', () => {
  it('an ArrayBuffer in a transfer list still arrives intact (IPC copies it)', async () => {
    const p = pool();
    try {
      const buffer = new Uint8Array([1, 2, 3]).buffer;
      assert.deepEqual(await p.addTask({ kind: 'buffer', buffer }, { method: 'task', transfer: [buffer] }), { byteLength: 3, sum: 6 });
    } finally {
      await p.close();
    }
  });
});

describe('module pool (process): options', () => {
  it('fork.env sets the environment of process workers, and wins over the top-level env', async () => {
    const p = pool({ fork: { execArgv: [], env: { MP_PROC_ENV: 'forked' } } });
    const q = pool({ env: { MP_PROC_ENV: 'top-level' }, fork: { execArgv: [], env: { MP_PROC_ENV: 'forked' } } });
    try {
      assert.equal(await p.runMethod('env', 'MP_PROC_ENV'), 'forked');
      assert.equal(await p.runMethod('env', 'PATH'), undefined, 'only the given environment');
      assert.equal(await q.runMethod('env', 'MP_PROC_ENV'), 'forked');
    } finally {
      await Promise.all([p.close(), q.close()]);
    }
  });
});

describe('module pool (process): crashes and leaks', () => {
  it('a process that exits mid-call rejects the call with WorkerCrashError (maxRetries 0) and is replaced', async () => {
    const exiting = join(tmp(), 'exits.mjs');
    writeFileSync(exiting, 'export default () => process.exit(3);\nexport const pid = () => process.pid;\n');
    const q = pool({ module: exiting, maxRetries: 0 });
    try {
      const first = await q.runMethod<number>('pid');
      await assert.rejects(q.run(), (e: WorkerCrashError) => {
        assert.ok(e instanceof WorkerCrashError, `got ${e?.name}: ${e?.message}`);
        assert.equal(e.exitCode, 3);
        return true;
      });
      const second = await q.runMethod<number>('pid');
      assert.notEqual(second, first);
      assert.equal(pidAlive(first), false);
    } finally {
      await q.close();
    }
  });

  it('close() after a module load failure leaves no process behind', async () => {
    const dir = tmp();
    const throwing = join(dir, 'throws.mjs');
    const pidFile = join(dir, 'pid');
    writeFileSync(
      throwing,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nthrow new Error('load failure');\n`,
    );
    const p = pool({ module: throwing });
    try {
      await assert.rejects(p.run(), ModuleLoadError);
      await p.close();
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(pid > 0);
      assert.equal(pidAlive(pid), false, `pid ${pid} alive after close()`);
    } finally {
      await p.kill();
    }
  });
});
