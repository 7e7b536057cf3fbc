// An --errors file that cannot be written (a full disk, a reader that went away) stops the run like
// an output that cannot be written: a one-line message, exit 1, no crash trace.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDirs } from '../helpers.js';
import { BIN, cliFixture, workforce } from './cli.js';

const tmp = tempDirs('workforce-cli-errors-');
const sh = promisify(execFile);
const double = cliFixture('double.mjs');
const crash = /Unhandled|node:events|at .*\(node:/;

describe('workforce run: the --errors file cannot be written', () => {
  it('-e /dev/full (ENOSPC): a message, exit 1', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, async () => {
    for (const runtime of ['thread', 'process']) {
      const { code, stderr } = await workforce(['run', double, '--method', 'picky', '-e', '/dev/full', '-o', '/dev/null', '-q', '-r', runtime, '-w', '2'], {
        stdin: '5\n'.repeat(2000),
      });
      assert.equal(code, 1, stderr);
      assert.match(stderr, /^workforce run: cannot write the errors file: .*ENOSPC/m);
      assert.doesNotMatch(stderr, crash, 'no crash trace');
    }
  });

  it('-e /dev/stdout | head -n 1 (EPIPE): one error line read, then a message, exit 1', async () => {
    const input = join(tmp(), 'failing.jsonl');
    writeFileSync(input, '5\n'.repeat(50_000)); // every line fails
    const script = `node ${JSON.stringify(BIN)} run ${JSON.stringify(double)} --method picky -i ${JSON.stringify(input)} -o /dev/null -e /dev/stdout -q | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const { stdout, stderr } = await sh('bash', ['-c', script], { timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
    assert.match(stdout, /^\{"line":\d+,"input":5,"error":\{"name":"RangeError"/);
    assert.match(stderr, /workforce run: cannot write the errors file: .*EPIPE/);
    assert.doesNotMatch(stderr, crash, 'no crash trace');
    assert.match(stderr, /status=1\n/);
  });
});
