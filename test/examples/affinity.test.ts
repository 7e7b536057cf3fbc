// examples/affinity: probedjs's nested tasks and affinity, run as a user would, checked by its output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL('../../examples/affinity/index.mjs', import.meta.url));

describe('examples/affinity', () => {
  it('a tree of nested tasks sums 1..16 with light and force affinity; force keeps every leaf on one worker; main affinity takes a function', async () => {
    const { stdout } = await run(process.execPath, [EXAMPLE], { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 });
    const lines = stdout.trim().split('\n');
    const trees = lines.map((l) => /^(light|force): (\d+) leaves, sum (\d+) \(expected 136\), ran on workers? ([\d, ]+)$/.exec(l)).filter((m) => m !== null);
    assert.deepEqual(
      trees.map((m) => m[1]),
      ['light', 'force'],
      stdout,
    );
    for (const m of trees) {
      assert.equal(Number(m[2]), 16, 'one leaf per number');
      assert.equal(Number(m[3]), 136, 'the sum of 1..16');
      const workers = m[4].split(', ');
      for (const w of workers) assert.ok(['1', '2'].includes(w), `leaf ran on pool worker ${w}`);
    }
    assert.equal(trees[1][4].split(', ').length, 1, 'force: every nested task ran on the worker that queued it');
    assert.ok(lines.includes('main: the answer is 42 on main'), stdout);
    // onWorkerStart ran on the main thread's worker and on the pool's (how many of the two had
    // started by then depends on the machine's load)
    const started = /^workers started: (.+)$/m.exec(stdout)?.[1].split(', ');
    assert.ok(started?.includes('main'), stdout);
    for (const id of started ?? []) assert.ok(['1', '2', 'main'].includes(id), stdout);
  });
});
