// README "Coming from another library" (the peers) and docs/migrating-from-*.md (the seeds): a
// before/after snippet for each, and every "after" snippet (blocks marked `<!-- migration:NAME -->`)
// runs as pasted into a fresh directory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const peers = readme.slice(readme.indexOf('## Coming from another library'), readme.indexOf('\n## ', readme.indexOf('## Coming from another library') + 5));
const SEEDS = ['workestrator', 'probedjs', 'travetto'];
const seedPages = SEEDS.map((seed) => readFileSync(join(root, 'docs', `migrating-from-${seed}.md`), 'utf8'));
const section = [peers, ...seedPages].join('\n');

/** The "after" files of one seed: blocks marked `<!-- migration:NAME -->`, named by their first comment line. */
function snippets(name: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, code] of section.matchAll(new RegExp(`<!-- migration:${name} -->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\``, 'g'))) {
    const file = /^\/\/ (\S+)/.exec(code)?.[1];
    assert.ok(file, `migration block without a file name: ${code.slice(0, 40)}`);
    files.set(file, code);
  }
  return files;
}

const dir = mkdtempSync(join(tmpdir(), 'workforce-migration-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(root, join(dir, 'node_modules', 'workforcejs'), 'dir');
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
after(() => rmSync(dir, { recursive: true, force: true }));

function run(name: string, main: string): string {
  const files = snippets(name);
  assert.ok(files.has(main), `no "after" snippet ${main} for ${name}`);
  for (const [file, code] of files) writeFileSync(join(dir, file), code);
  return execFileSync(process.execPath, [join(dir, main)], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
}

describe('README migration snippets', { concurrency: 3 }, () => {
  it('each seed has a "before" snippet in its own API', () => {
    assert.match(section, /```js\nconst workestrator = require\('workestrator'\);\nconst farm = workestrator\.create\(/);
    assert.match(section, /```js\nimport \{ WorkerPool \} from '@probedjs\/work-pool';/);
    assert.match(section, /```ts\nimport \{ WorkPool, IterableInputSource, DynamicAsyncIterator \} from '@travetto\/worker';/);
  });

  it('the README links every seed page', () => {
    for (const seed of SEEDS) assert.ok(peers.includes(`(docs/migrating-from-${seed}.md)`), seed);
  });

  it('each peer has a "before" snippet in its own API and the habits that differ', () => {
    assert.match(peers, /await piscina\.run\(\{ a: 4, b: 6 \}, \{ name: 'add', signal \}\);/);
    assert.match(peers, /\| `run\(task, \{ name \}\)` \| \*\*`runMethod\(name, task\)`\*\*/);
    assert.match(peers, /new Tinypool\(/);
    assert.match(peers, /pool\.exec\('fib', \[10\]\)/);
    assert.match(peers, /workerFarm\(/);
    assert.match(peers, /new Worker\('math', /);
  });

  for (const [peer, main, expected] of [
    ['piscina', 'piscina.mjs', '10\n10\n10\n'],
    ['tinypool', 'tinypool.mjs', '10\n'],
    ['workerpool', 'workerpool.mjs', '55\n'],
    ['worker-farm', 'worker-farm.mjs', '55\n'],
  ]) {
    it(`${peer} → createPool`, () => {
      for (const [file, code] of snippets('peers')) writeFileSync(join(dir, file), code);
      assert.equal(run(peer, main), expected);
    });
  }

  it('Workestrator → create() / kill()', () => {
    assert.equal(run('workestrator', 'farm.mjs'), '6\nbar:1:2:3\n');
  });

  it('@probedjs/work-pool → WorkerPool', () => {
    const out = run('probedjs', 'pool.mjs');
    assert.match(out, /^Hello, World!\nHello, main!\n/);
    assert.match(out, /worker 1 heard Hi!\n/);
  });

  it('@travetto/worker → WorkPool, IterableInputSource, DynamicAsyncIterator', () => {
    const out = run('travetto', 'compressor.mjs');
    assert.match(out, /a\.png → a\.png\.webp\n/);
    assert.match(out, /b\.png → b\.png\.webp\n/);
    assert.match(out, /\{ completed: 2, failed: 0, errors: \[\], stopped: false \}/);
  });
});
