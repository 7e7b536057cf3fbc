// Issue 18 finding 10: once `await close()` (or kill()) resolves on a process pool, nothing of it
// is left — no worker process, no reaper shell (src/util/reaper.ts), no handle — at that very
// moment, not a few hundred milliseconds later.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool } from 'workforcejs';
import { childPids } from '../chaos/proc.js';
import { fixture, sleep } from '../helpers.js';

const MODULE = fixture('chaos-worker.mjs');

function tally(list: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of list) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** Handles and requests more numerous now than in `before`. */
function extraHandles(before: string[]): string[] {
  const was = tally(before);
  const now = tally(process.getActiveResourcesInfo());
  return Object.entries(now)
    .filter(([type, n]) => n > (was[type] ?? 0))
    .map(([type, n]) => `${type} ${was[type] ?? 0} → ${n}`);
}

describe('a process pool leaves nothing behind the moment close() resolves', { skip: childPids() === undefined && 'needs /proc' }, () => {
  for (const end of ['close', 'close({ force })', 'kill'] as const) {
    it(`${end}: no child process, no extra handle`, async () => {
      await sleep(20); // the previous test's handles (closed sockets) go in the next turn
      const kidsBefore = childPids() ?? [];
      const handles = process.getActiveResourcesInfo();
      const pool = createPool({ module: MODULE, runtime: 'process', numberOfWorkers: 2, fork: { execArgv: [] } });
      try {
        await Promise.all([pool.runMethod('ping', 1), pool.runMethod('ping', 2)]);
        assert.ok((childPids() ?? []).length >= kidsBefore.length + 3, 'two workers and the reaper shell ran');
      } finally {
        if (end === 'close') await pool.close();
        else if (end === 'kill') await pool.kill();
        else await pool.close({ force: true });
      }
      const left = (childPids() ?? []).filter((pid) => !kidsBefore.includes(pid));
      assert.deepEqual(left, [], 'no child process left when close() resolved');
      assert.deepEqual(extraHandles(handles), [], 'no handle left when close() resolved');
    });
  }
});
