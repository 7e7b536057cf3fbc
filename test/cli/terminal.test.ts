// The progress bar: drawn on stderr only when stderr is a terminal (a pseudo-terminal from
// `script`), ending at 100%; without a terminal no escape codes reach stderr, only the summary.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDirs } from '../helpers.js';
import { BIN, ROOT, workforce } from './cli.js';

const tmp = tempDirs('workforce-cli-tty-');
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const ESC = '\u001b';
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

describe('workforce run: progress on a terminal', () => {
  it('under a pseudo-terminal the bar is drawn and ends at 100% with done/total', { skip: !hasScript && 'script (util-linux) is not installed' }, async () => {
    const out = join(tmp(), 'out.jsonl');
    const command = [process.execPath, BIN, 'run', 'examples/cli/primes.mjs', '-i', 'examples/cli/numbers.jsonl', '-o', out].map(quote).join(' ');
    // script -e: its exit code is the command's; -f: flush as it goes; the log goes to stdout
    const { stdout } = await promisify(execFile)('script', ['-qefc', command, '/dev/null'], {
      cwd: ROOT,
      timeout: 120_000,
      env: { ...process.env, NODE_OPTIONS: '', COLUMNS: '120' },
    });
    assert.ok(stdout.includes(`${ESC}[`), 'terminal escape codes: the bar was drawn');
    assert.match(stdout, /\d+% \| \d+\/100 \| \d+\/s \| ETA/, 'a bar line with done/total, rate and ETA');
    const frames = stdout
      .replaceAll(`${ESC}[1G`, '\r')
      .split('\r')
      .filter((f) => /% \|/.test(f));
    assert.match(frames.at(-1) ?? '', /100% \| 100\/100 \| \d+\/s \| ETA\s+0s \| 0 failed/);
    assert.match(stdout, /workforce run: 100 done, 0 failed/);
  });

  it('without a terminal: no escape codes on stderr, one summary line', async () => {
    const { code, stderr } = await workforce(['run', 'examples/cli/primes.mjs', '-i', 'examples/cli/numbers.jsonl', '-o', join(tmp(), 'out.jsonl')]);
    assert.equal(code, 0);
    assert.ok(!stderr.includes(ESC), 'no escape codes');
    assert.match(stderr, /^workforce run: 100 done, 0 failed, [\d.]+ s, \d+\/s\n$/);
  });

  it('--quiet: nothing on stderr', async () => {
    const { code, stderr } = await workforce(['run', 'examples/cli/primes.mjs', '-i', 'examples/cli/numbers.jsonl', '-o', join(tmp(), 'out.jsonl'), '-q']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
  });
});
