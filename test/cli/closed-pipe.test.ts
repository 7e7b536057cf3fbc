// `workforce run … | head`: the reader goes away while results are still coming. The command
// stops as on any output error (a clear message, exit 1) instead of dying of an unhandled EPIPE.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDirs } from '../helpers.js';
import { BIN, ROOT } from './cli.js';

const tmp = tempDirs('workforce-pipe-');
const sh = promisify(execFile);

describe('workforce run: the reader of its output goes away', () => {
  it('| head -n 1: one line read, then exit 1 with a message, no unhandled error', async () => {
    const input = join(tmp(), 'many.jsonl');
    writeFileSync(input, '100\n'.repeat(50_000));
    const script = `node ${JSON.stringify(BIN)} run examples/cli/primes.mjs --input ${JSON.stringify(input)} --quiet | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const { stdout, stderr } = await sh('bash', ['-c', script], { cwd: ROOT, timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(stdout, '25\n', 'head printed the first result');
    assert.match(stderr, /workforce run: cannot write the output: .*EPIPE/);
    assert.doesNotMatch(stderr, /Unhandled|node:events|at .*\(node:/, 'no crash trace');
    assert.match(stderr, /status=1\n/);
  });
});
