// examples/typescript: a .ts worker module called with types from the module (the file is also
// type-checked by `npm run lint`, whose tsconfig includes examples/).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL('../../examples/typescript/index.ts', import.meta.url));

describe('examples/typescript', () => {
  it('runs the .ts worker on threads: word counts, the named export, a total', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', EXAMPLE], { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 });
    const lines = stdout.trim().split('\n');
    const counted = lines.slice(0, 3).map((l) => /^text (\d): (\d+) words, longest "(\w+)" \(worker (\d+)\)$/.exec(l));
    assert.deepEqual(
      counted.map((m) => m && [m[1], m[2], m[3]]),
      [
        ['1', '4', 'quick'],
        ['2', '5', 'jumps'],
        ['3', '8', 'TypeScript'],
      ],
      stdout,
    );
    for (const m of counted) assert.ok(['1', '2'].includes(m?.[4] ?? ''), 'counted on a pool thread');
    assert.deepEqual(lines.slice(3), ['total: 17 words', 'shout: TYPED!']);
  });
});
