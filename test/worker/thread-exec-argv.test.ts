// Thread workers under a parent started with node flags that worker_threads refuses in execArgv.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fixture } from '../helpers.js';

/** Runs exec-argv-parent.mjs under `flags`; its output line parsed. */
async function parentUnder(flags: string[]): Promise<{ result: number; execArgv: string[] }> {
  const child = spawn(process.execPath, [...flags, fixture('exec-argv-parent.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

/** V8 and per-process options: worker_threads refuses them in an explicit execArgv. */
const REFUSED = ['--max-old-space-size=4096', '--expose-gc', '--stack-size=900', '--title=workforce-test'];

describe('thread workers and the parent’s node flags', { concurrency: 2 }, () => {
  it('inherit V8 and per-process flags (node --max-old-space-size=4096 --expose-gc app.mjs)', async () => {
    const out = await parentUnder(REFUSED);
    assert.deepEqual(out, { result: 6, execArgv: REFUSED });
  });

  it('inherit every flag after one whose value is a separate argument (node --title x --no-warnings --enable-source-maps)', async () => {
    const flags = ['--title', 'workforce-test', '--no-warnings', '--enable-source-maps'];
    const out = await parentUnder(flags);
    assert.deepEqual(out, { result: 6, execArgv: flags });
  });

  it('keep the flags worker_threads takes when debugger flags are taken out, and drop the refused ones', async () => {
    // a value given as the next argument goes with its flag, kept or dropped
    const flags = ['--inspect=127.0.0.1:0', ...REFUSED, '--conditions', 'dev', '--v8-pool-size', '2', '--no-warnings'];
    const out = await parentUnder(flags);
    assert.deepEqual(out, { result: 6, execArgv: ['--conditions', 'dev', '--no-warnings'] });
  });
});
