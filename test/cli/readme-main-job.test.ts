// The README's main-job command, taken from README.md as written, run from what a fresh clone
// holds (the files git tracks, copied to an empty directory) after `npm install` (the installed
// packages, and the build the `prepare` script runs, copied from this checkout's fresh one): it fails when the command, the example it
// names, or the build a fresh checkout gets breaks.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDirs } from '../helpers.js';
import { jsonLines, ROOT } from './cli.js';

const tmp = tempDirs('workforce-clone-');
const sh = promisify(execFile);

/**
 * The main-job command: the `workforce run examples/cli/…` line of the fenced block right after
 * the `<!-- cli:main-job -->` marker, or, without the marker, of the first fenced block that has
 * such a line (so the section may move, and the marker may go, without the test losing it).
 */
function mainJobCommand(readme: string): string {
  const marked = readme.indexOf('<!-- cli:main-job -->');
  const text = marked >= 0 ? readme.slice(marked) : readme;
  for (const [, body] of text.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)) {
    const line = body
      .split('\n')
      .map((l) => l.replace(/^\$ /, '').trim())
      .find((l) => /^(npx )?workforce run examples\/cli\//.test(l));
    if (line) return line;
    if (marked >= 0) break; // the marked block has no such command: that is the failure
  }
  assert.fail('README.md has no fenced block with a `workforce run examples/cli/…` command (the main job)');
}

/** The primes below n, counted the slow way (checks the example's answers). */
function primesBelow(n: number): number {
  let count = 0;
  outer: for (let i = 2; i < n; i++) {
    for (let d = 2; d * d <= i; d++) if (i % d === 0) continue outer;
    count++;
  }
  return count;
}

/** A directory holding what `git clone` of this checkout gives (the tracked files, as they are now), then `npm install`'s packages and build. */
function freshClone(): string {
  const dir = tmp();
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir'); // the packages npm install fetches
  // the build npm install's prepare step runs: `npm test` has just built dist/ from these same
  // sources (and CI's `npm ci` on a real fresh clone runs prepare itself), so it is copied, not redone
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}

/**
 * `npx workforce` inside the clone installs the clone itself (its own bin) into npx's cache folder,
 * a folder per package spec that npm never removes: the test removes the one it made.
 */
function forgetNpxInstall(clone: string): void {
  const npx = join(execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim(), '_npx');
  if (!existsSync(npx)) return;
  for (const entry of readdirSync(npx)) {
    const manifest = join(npx, entry, 'package.json');
    if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes(basename(clone))) rmSync(join(npx, entry), { recursive: true, force: true });
  }
}

describe('workforce run: the README main job', () => {
  it('finds the command whether or not the marker is there', () => {
    const block = '```sh\nnpx workforce run examples/cli/x.mjs --input examples/cli/in.jsonl\n```\n';
    assert.equal(mainJobCommand(`# t\n\n\`\`\`sh\nnpm install\n\`\`\`\n\n${block}`), 'npx workforce run examples/cli/x.mjs --input examples/cli/in.jsonl');
    assert.equal(mainJobCommand(`${block}\n<!-- cli:main-job -->\n\`\`\`sh\n$ workforce run examples/cli/y.mjs\n\`\`\`\n`), 'workforce run examples/cli/y.mjs');
    assert.throws(() => mainJobCommand('<!-- cli:main-job -->\n```sh\nnpm test\n```\n'), /main job/);
  });

  it('runs verbatim in a fresh clone after npm install and prints every result', { timeout: 420_000 }, async (t) => {
    const command = mainJobCommand(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    assert.match(command, /^npx workforce run /, 'the main job runs through npx, as a user of a fresh clone would');
    const dir = freshClone();
    t.after(() => forgetNpxInstall(dir));
    const { stdout, stderr } = await sh('sh', ['-c', command], { cwd: dir, timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } });
    const input = readFileSync(join(dir, 'examples/cli/numbers.jsonl'), 'utf8').trim().split('\n').map(Number);
    const out = jsonLines(stdout) as { line: number; input: number; output: number }[];
    assert.equal(out.length, input.length, `one result per input line: ${stderr}`);
    // the README shows --ordered --with-input: {"line":n,"input":…,"output":…} in input order
    assert.deepEqual(
      out.map((r) => [r.line, r.input]),
      input.map((n, i) => [i + 1, n]),
    );
    assert.equal(out[0].output, primesBelow(input[0]));
    assert.equal(out[1].output, primesBelow(input[1]));
    assert.equal(out.at(-1)?.output, 348513); // π(5,000,000)
    assert.match(stderr, new RegExp(`workforce run: ${input.length} done, 0 failed`));
  });
});
