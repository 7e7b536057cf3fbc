// Issue 19, typed pools: small consumer files (test/types) are compiled with tsc against the built
// declarations. consumer.ts types a pool by `typeof import('./worker.js')`; its `@ts-expect-error`
// lines (a misspelled method, a wrong argument, a wrong result type, a non-function export, a
// wrong event payload) must each be an error, or tsc fails on the unused directive. The same file
// checks that a pool without a type argument is typed exactly as before.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(project: string): { ok: boolean; output: string } {
  try {
    return {
      ok: true,
      output: execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }),
    };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

describe('typed pools (tsc on small consumers)', () => {
  it('consumer.ts compiles: every expected error happens, and nothing else fails', () => {
    const source = readFileSync(join(root, 'test/types/consumer.ts'), 'utf8');
    const expected = source.split('\n').filter((line) => line.includes('@ts-expect-error')).length;
    assert.ok(expected >= 10, `the consumer expects ${expected} errors`);
    const { ok, output } = compile('test/types/tsconfig.json');
    assert.ok(ok, output);
  });
});
