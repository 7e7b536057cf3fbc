// examples/abort: a pool timeout, an AbortController, AbortSignal.timeout() and a call that
// ignores its signal, each checked by the line the example prints for it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL('../../examples/abort/index.mjs', import.meta.url));

describe('examples/abort', () => {
  it('each way of cancelling ends its call with its own error, and the pool goes on', async () => {
    const { stdout } = await run(process.execPath, [EXAMPLE], { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 });
    const lines = stdout.trim().split('\n');
    const ms = '(\\d+) ms';
    const patterns = [
      new RegExp(`^fast call: resolved 49 after ${ms}$`),
      new RegExp(`^slow call: TimeoutError after ${ms} \\(timeout 500 ms\\)$`),
      new RegExp(`^aborted call: TaskAbortedError after ${ms} \\(reason: Error: user cancelled\\)$`),
      new RegExp(`^AbortSignal.timeout\\(100\\): TaskAbortedError after ${ms} \\(reason: TimeoutError: .+\\)$`),
      new RegExp(`^call ignoring its signal: TimeoutError after ${ms} \\(timeout 500 ms\\)$`),
      /^worker replaced: true \(worker (\d+) -> (\d+)\)$/,
      new RegExp(`^the pool goes on: resolved 64 after ${ms}$`),
    ];
    assert.equal(lines.length, patterns.length, stdout);
    const took = patterns.map((p, i) => {
      const m = p.exec(lines[i]);
      assert.ok(m, `line ${i + 1}: ${lines[i]}`);
      return Number(m[1]);
    });
    // the timed-out calls end at the timeout (not after the 5 s / 2 s they asked for, nor retried)
    for (const i of [1, 4]) assert.ok(took[i] >= 450 && took[i] < 1_900, `${lines[i]}`);
    for (const i of [2, 3]) assert.ok(took[i] >= 90 && took[i] < 1_900, `${lines[i]}`);
  });
});
