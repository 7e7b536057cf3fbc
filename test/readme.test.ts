import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/**
 * The README's quick-start files: code blocks marked `<!-- quickstart:NAME -->` (js, ts or python), named by their
 * first comment line (`// FILE` or `# FILE`).
 */
function quickstart(name: string): Map<string, string> {
  const files = new Map<string, string>();
  const pattern = new RegExp(`<!-- quickstart:${name} -->\\s*\`\`\`(?:js|ts|python)\\n([\\s\\S]*?)\`\`\``, 'g');
  for (const [, code] of readme.matchAll(pattern)) {
    const file = /^(?:\/\/|#) (\S+)/.exec(code)?.[1];
    assert.ok(file, `quick-start block without a file name: ${code.slice(0, 40)}`);
    files.set(file, code);
  }
  return files;
}

const dir = mkdtempSync(join(tmpdir(), 'workforce-readme-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(root, join(dir, 'node_modules', 'workforcejs'), 'dir');
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
after(() => rmSync(dir, { recursive: true, force: true }));

function runQuickstart(name: string, main: string, nodeFlags: string[] = []): string {
  for (const [file, code] of quickstart(name)) writeFileSync(join(dir, file), code);
  return execFileSync(process.execPath, [...nodeFlags, join(dir, main)], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
}

const requireFromRoot = createRequire(join(root, 'package.json'));

describe('README quick start, pasted into a fresh directory', () => {
  it('module pool on threads', () => {
    assert.equal(runQuickstart('threads', 'main.mjs'), '6\nhello world\n2 0\n');
  });

  it('process farm', () => {
    for (const [file, code] of quickstart('threads')) writeFileSync(join(dir, file), code); // the farm reuses worker.mjs
    assert.equal(runQuickstart('processes', 'farm.mjs'), '6\n');
  });

  it('messages, hooks, cancellation and nested tasks', () => {
    const section = readme.slice(readme.indexOf('### Messages, hooks'), readme.indexOf('### The generic WorkPool'));
    const blocks = section.match(/```js\n/g)?.length ?? 0;
    assert.equal(quickstart('messages').size, blocks, 'every code block of the section is a runnable quick-start file');
    // a nested task that recursed into its parent job would never end: the run would time out
    assert.equal(runQuickstart('messages', 'messages.mjs'), 'a worker splits a job into 3 parts\n[ 10, 20, 30 ]\ntrue\nmain thread\n');
  });

  it('TypeScript: a .ts worker module and a .ts main, run through tsx, and the main type-checks', () => {
    const files = quickstart('typescript');
    assert.deepEqual([...files.keys()], ['worker.ts', 'main.ts']);
    const tsx = requireFromRoot.resolve('tsx'); // what `npx tsx main.ts` loads
    assert.equal(runQuickstart('typescript', 'main.ts', ['--import', pathToFileURL(tsx).href]), '6 hello TypeScript\n');
    const compilerOptions = { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: true };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['main.ts', 'worker.ts'] }));
    const tsc = requireFromRoot.resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  });

  it('spawned program: a Python worker speaking JSON lines on its channel', () => {
    const files = quickstart('spawned');
    assert.deepEqual([...files.keys()], ['upper.py', 'spawned.mjs']);
    assert.equal(runQuickstart('spawned', 'spawned.mjs'), "[ 'HELLO', 'WORLD' ]\n");
  });

  it('generic WorkPool with an AsyncQueue', () => {
    const out = runQuickstart('workpool', 'workpool.mjs');
    assert.match(out, /1 → 1\n2 → 4\n3 → 9\n/);
    assert.match(out, /\{ completed: 3, failed: 0, errors: \[\], stopped: false \}/);
  });
});
