// No worker outlives its parent, even one stuck in CPU work that cannot hear its IPC channel
// close: a parent ended by a signal (SIGTERM, SIGHUP, SIGINT) SIGKILLs its process and spawned
// workers and then still dies of that signal; the workers of a parent ended by SIGKILL are
// ended by its reaper (one small shell process holding a pipe from the parent).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { running } from '../chaos/proc.js';
import { eventually, fixture } from '../helpers.js';

type Kind = 'process' | 'process-reaper-died' | 'spawned';

/** Starts orphan-busy-parent.mjs, waits until its worker spins, kills the parent with `signal`. */
async function killBusyParent(kind: Kind, signal: NodeJS.Signals): Promise<void> {
  const parent = spawn(process.execPath, [fixture('orphan-busy-parent.mjs'), kind], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  parent.stdout.on('data', (d) => (stdout += d));
  parent.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => parent.once('exit', (_code, sig) => resolve(sig)));
  let pid: number | undefined;
  try {
    await eventually(() => /"busy":\d+/.test(stdout), 15_000).catch(() => assert.fail(`the worker never got busy; stderr: ${stderr}`));
    pid = Number(/"busy":(\d+)/.exec(stdout)?.[1]);
    assert.ok(running(pid), 'the worker runs while its parent does');
    parent.kill(signal);
    assert.equal(await exited, signal, 'the parent still dies of the signal');
    const worker = pid;
    await eventually(() => !running(worker), 3000).catch(() => assert.fail(`worker ${worker} still runs 3 s after its parent died of ${signal}`));
  } finally {
    // never leave the parent or its worker behind, even when an assertion failed
    if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    if (pid !== undefined && running(pid)) process.kill(pid, 'SIGKILL');
  }
}

describe('a busy worker does not outlive its parent', () => {
  for (const signal of ['SIGKILL', 'SIGTERM', 'SIGHUP'] as const) {
    it(`process worker, parent ended by ${signal}`, { timeout: 30_000 }, () => killBusyParent('process', signal));
  }
  it('process worker, parent ended by SIGKILL after its reaper had died (a new reaper took over)', { timeout: 30_000 }, () =>
    killBusyParent('process-reaper-died', 'SIGKILL'),
  );
  for (const signal of ['SIGKILL', 'SIGTERM', 'SIGINT'] as const) {
    it(`spawned worker of a WorkPool, parent ended by ${signal}`, { timeout: 30_000 }, () => killBusyParent('spawned', signal));
  }
});
