// examples/hashing: serial vs pooled PBKDF2, small sizes; checks the output's shape and that the
// keys are right (recomputed here), never the speed (that is the benchmark's job).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { pbkdf2Sync } from 'node:crypto';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL('../../examples/hashing/index.mjs', import.meta.url));

async function example(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [EXAMPLE, ...args], { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 });
  return stdout;
}

describe('examples/hashing', () => {
  it('hashes serially then on the pool, times both, and the keys agree', async () => {
    const stdout = await example(['6', '2000']);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'hashing 6 passwords with PBKDF2-SHA512, 2000 iterations each');
    assert.match(lines[1], /^serial \(main thread\): \d+ ms$/);
    assert.match(lines[2], /^pooled \(\d+ threads\): \d+ ms$/);
    assert.match(lines[3], /^speed-up: \d+\.\d\dx$/);
    const first = /^first key: ([0-9a-f]{64})$/.exec(lines[4]);
    assert.ok(first, lines[4]);
    assert.equal(first[1], pbkdf2Sync('password-0', 'salt-0', 2000, 32, 'sha512').toString('hex'));
    assert.equal(lines[5], 'keys identical: true');
  });

  it('a count that is not a whole number is refused', async () => {
    await assert.rejects(example(['many']), (e: { code: number; stderr: string }) => e.code === 2 && /usage/.test(e.stderr));
  });
});
