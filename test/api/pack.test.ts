// The package as a user gets it: `npm pack`, the tarball installed under its published name into a
// scratch project in the OS temp folder (from npm's cache when it holds the dependencies, as after
// `npm ci`; the registry otherwise), and there, using only the installed copy:
//   - every entry point imports from ESM; 'workforcejs/worker' requires from CommonJS, and so does
//     the root where Node has require(esm);
//   - a TypeScript consumer type-checks with moduleResolution node16 and bundler, and a CommonJS
//     TypeScript worker (.cts) gets the CommonJS entry's types;
//   - worker modules (ESM and CommonJS) run on threads and processes;
//   - the README's quick start runs (see readmeQuickStart for what is taken from README.md);
//   - the `workforce` bin runs a module over JSON Lines.
// Anything the package needs at run time but `files` leaves out fails here. The folder is removed
// afterwards.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const dir = mkdtempSync(join(tmpdir(), 'workforce-pack-'));
const project = join(dir, 'project');
// the environment of a user's shell: none of the variables `npm test` sets (npm_config_local_prefix
// would point npm at this repository) but npm's cache, registry and user config; no NODE_OPTIONS
// of the test runner (tsx)
const keep = /^npm_config_(cache|registry|userconfig)$/i;
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => (keep.test(k) || !/^npm_/i.test(k)) && k !== 'NODE_OPTIONS' && k !== 'WORKFORCE_TEST'),
);

async function sh(command: string, args: string[], options: { cwd?: string; input?: string; timeout?: number } = {}): Promise<string> {
  const child = exec(command, args, { cwd: options.cwd ?? project, env, timeout: options.timeout ?? 60_000, maxBuffer: 16 << 20 });
  if (options.input !== undefined) child.child.stdin?.end(options.input);
  try {
    return (await child).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}
const node = (args: string[], options?: { input?: string }) => sh(process.execPath, args, options);
const write = (file: string, text: string) => {
  mkdirSync(join(project, file, '..'), { recursive: true });
  writeFileSync(join(project, file), text);
};

/**
 * The README's quick start: after the first heading named "Quick start", the first ```js block and
 * the ```js blocks that follow it up to the next heading (of any level; so a sub-heading between
 * "Quick start" and its first block does not matter), each written to the file its first line names
 * (`// main.mjs`); the block that imports 'workforcejs' (the root) is run. Where a
 * `console.log(...)` line ends with a `// comment`, that comment is the line it must print.
 */
function readmeQuickStart(): { files: Map<string, string>; main: string; expected: string[] } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const heading = /^(#{1,6}) Quick start\b.*$/im.exec(readme);
  assert.ok(heading, 'README.md has a "Quick start" heading');
  const after = readme.slice(heading.index + heading[0].length);
  const first = after.search(/^```js\n/m);
  assert.ok(first >= 0, 'a ```js block follows the "Quick start" heading');
  // from the first block to the next heading (headings inside code blocks do not count)
  const rest = after.slice(first);
  const next = /^#{1,6} /m.exec(rest.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/^#/gm, ' ')));
  const section = next ? rest.slice(0, next.index) : rest;
  const files = new Map<string, string>();
  for (const [, code] of section.matchAll(/^```js\n([\s\S]*?)^```/gm)) {
    const name = /^\/\/ (\S+\.[cm]?js)\b/.exec(code)?.[1];
    assert.ok(name, `a quick-start block names its file on its first line (// main.mjs): ${code.slice(0, 60)}`);
    files.set(name, code);
  }
  const main = [...files].find(([, code]) => /from ['"]workforcejs['"]/.test(code))?.[0];
  assert.ok(main, `a quick-start block imports 'workforcejs' (blocks: ${[...files.keys()].join(', ')})`);
  const expected = [...(files.get(main) as string).matchAll(/^\s*console\.log\(.*\);?\s*\/\/ (.+)$/gm)].map((m) => m[1].trim());
  return { files, main, expected };
}

describe('the packed package, installed into a scratch project', { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(existsSync(join(root, 'dist', 'index.js')), 'built first (npm test runs npm run build)');
    const packed = JSON.parse(await sh(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root }));
    const tarball = join(dir, packed[0].filename);
    mkdirSync(project);
    write('package.json', JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    await sh(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], { timeout: 240_000 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is installed under its published name, from the tarball (not a link to the work tree)', () => {
    const installed = join(project, 'node_modules', 'workforcejs');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'workforcejs');
    assert.ok(!existsSync(join(installed, 'src')) && !existsSync(join(installed, 'test')), 'only `files` are shipped');
    assert.ok(existsSync(join(installed, 'LICENSE')) && existsSync(join(installed, 'README.md')));
  });

  it("ships no worker-runtime module that nothing loads (the bundles' parts stay out)", () => {
    const dist = join(project, 'node_modules', 'workforcejs', 'dist');
    const runtime = join(dist, 'worker', 'runtime');
    // every module reached by relative imports (static, dynamic, require) from the modules outside
    // the runtime folder and from the runtime's two bundles
    const reached = new Set<string>();
    const queue = [
      ...readdirSync(dist, { recursive: true, encoding: 'utf8' })
        .map((f) => join(dist, f))
        .filter((f) => /\.c?js$/.test(f) && !f.startsWith(runtime)),
      join(runtime, 'main.js'),
      join(runtime, 'main.cjs'),
    ];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (reached.has(file) || !existsSync(file)) continue;
      reached.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        queue.push(join(file, '..', spec));
      }
    }
    const unreached = readdirSync(runtime).filter((f) => /\.c?js$/.test(f) && !reached.has(join(runtime, f)));
    assert.deepEqual(unreached, [], 'runtime modules nothing loads');
    assert.ok(reached.has(join(runtime, 'runtime.js')), 'the walk follows imports (the inline worker loads runtime.js)');
  });

  it('every entry point imports from ESM', async () => {
    write(
      'esm.mjs',
      `import * as root from 'workforcejs';
import * as worker from 'workforcejs/worker';
import * as compat from 'workforcejs/compat';
import pkg from 'workforcejs/package.json' with { type: 'json' };
const out = [typeof root.createPool, typeof root.WorkPool, typeof root.TimeoutError, typeof worker.workerContext, typeof worker.ChildChannel, typeof compat.WorkerPool, typeof compat.create, pkg.name];
// workforcejs/bullmq resolves; it needs its optional peer dependencies (bullmq, ioredis) to load
const bullmq = import.meta.resolve('workforcejs/bullmq');
out.push(bullmq.includes('/node_modules/workforcejs/dist/'));
out.push(await import('workforcejs/bullmq').then(() => 'loaded', (e) => /bullmq|ioredis/.test(String(e)) ? 'needs its peers' : String(e)));
console.log(out.join(' '));
`,
    );
    assert.equal((await node(['esm.mjs'])).trim(), 'function function function object function function function workforcejs true needs its peers');
  });

  it('workforcejs/worker requires from CommonJS (its promised CommonJS entry), and the root does where Node has require(esm)', async () => {
    write(
      'cjs.cjs',
      `const worker = require('workforcejs/worker');
const out = [typeof worker.workerContext, typeof worker.ChildChannel];
if (process.features.require_module) out.push(typeof require('workforcejs').createPool, typeof require('workforcejs/compat').WorkerPool);
console.log(out.join(' '));
`,
    );
    const printed = (await node(['cjs.cjs'])).trim();
    const requireEsm = (process.features as { require_module?: boolean }).require_module === true;
    assert.equal(printed, requireEsm ? 'object function function function' : 'object function');
  });

  it('a TypeScript consumer type-checks with moduleResolution node16 and bundler; a .cts worker gets the CommonJS types', async () => {
    write(
      'ts/consumer.ts',
      `import { createPool, type PoolOptions, TimeoutError, WorkforceError } from 'workforcejs';
import { WorkerPool } from 'workforcejs/compat';
import type { RemotePoolOptions } from 'workforcejs/bullmq';
import { workerContext, type WorkerContext } from 'workforcejs/worker';

const options: PoolOptions = { module: new URL('./worker.js', import.meta.url), runtime: 'thread', maxWorkers: 2 };
const pool = createPool(options);
export const sum: Promise<number> = pool.run<number>(1, 2);
export const isTimeout = (e: unknown): boolean => e instanceof TimeoutError && e instanceof WorkforceError && typeof e.code === 'string';
export const probed = new WorkerPool<(n: number) => string>(new URL('./worker.js', import.meta.url));
export const remote: Pick<RemotePoolOptions, 'queue'> = { queue: 'q' };
export const ctx: WorkerContext = workerContext;
// @ts-expect-error: run's options are checked (runtime is one of three names)
createPool({ module: 'x', runtime: 'fiber' });
`,
    );
    write(
      'ts/worker.cts',
      `import { workerContext, ChildChannel, type WorkerContext, type TaskFunction, type WorkerFunction, type WorkerHook, type WorkerHooks, type NestedOptions, type MessageMap } from 'workforcejs/worker';
const ctx: WorkerContext = workerContext;
export const id: number | string = ctx.workerId;
export const channel: typeof ChildChannel = ChildChannel;
// @ts-expect-error: WorkerContext has no such member
ctx.nothing;
// every type the ESM entry exports, from the CommonJS types too
export const square: TaskFunction<number, number> = (n, context) => n * n + (context.workerId === undefined ? 1 : 0);
export const add: WorkerFunction<[number, number], number> = (a, b) => a + b;
const start: WorkerHook = () => {};
export const hooks: WorkerHooks = { onWorkerStart: start };
export const nested: NestedOptions | undefined = undefined;
export type Messages = MessageMap;
`,
    );
    const base = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: 'ES2022',
      lib: ['ES2023'],
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
    };
    write(
      'ts/tsconfig.node16.json',
      JSON.stringify({ compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' }, files: ['consumer.ts', 'worker.cts'] }),
    );
    write(
      'ts/tsconfig.bundler.json',
      JSON.stringify({ compilerOptions: { ...base, module: 'preserve', moduleResolution: 'bundler' }, files: ['consumer.ts'] }),
    );
    // a package.json of type module beside them: consumer.ts is ESM under node16
    for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) await node([tsc, '-p', join(project, 'ts', config)]);
    // the checks can fail: a wrong type in the consumer is reported
    write('ts/wrong.ts', `import { createPool } from 'workforcejs';\nexport const n: string = createPool({ module: 'x' });\n`);
    write('ts/tsconfig.wrong.json', JSON.stringify({ compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' }, files: ['wrong.ts'] }));
    await assert.rejects(node([tsc, '-p', join(project, 'ts', 'tsconfig.wrong.json')]), /TS2322/);
  });

  it('worker modules from the installed copy run on threads and processes (ESM and CommonJS workers)', async () => {
    write('square.mjs', `import { workerContext } from 'workforcejs/worker';\nexport default (n) => ({ square: n * n, worker: workerContext.workerId });\n`);
    write(
      'square.cjs',
      `const { workerContext } = require('workforcejs/worker');\nmodule.exports = (n) => ({ square: n * n, worker: workerContext.workerId });\n`,
    );
    write(
      'runtimes.mjs',
      `import { createPool } from 'workforcejs';
for (const runtime of ['thread', 'process']) {
  for (const file of ['./square.mjs', './square.cjs']) {
    const pool = createPool({ module: new URL(file, import.meta.url), runtime, numberOfWorkers: 2 });
    try {
      const results = await Promise.all([1, 2, 3, 4].map((n) => pool.run(n)));
      console.log(runtime, file, results.map((r) => r.square).join(','), results.every((r) => r.worker === 1 || r.worker === 2));
    } finally {
      await pool.close();
    }
  }
}
`,
    );
    assert.deepEqual((await node(['runtimes.mjs'])).trim().split('\n'), [
      'thread ./square.mjs 1,4,9,16 true',
      'thread ./square.cjs 1,4,9,16 true',
      'process ./square.mjs 1,4,9,16 true',
      'process ./square.cjs 1,4,9,16 true',
    ]);
  });

  it("the README's quick start runs from the installed package", async () => {
    const { files, main, expected } = readmeQuickStart();
    const qs = join(project, 'quickstart');
    for (const [file, code] of files) write(join('quickstart', file), code);
    const stdout = await node([join(qs, main)]);
    if (expected.length > 0) assert.deepEqual(stdout.trim().split('\n').slice(0, expected.length), expected, `${main} prints what its comments say`);
    else assert.ok(stdout.length > 0, `${main} prints something`);
  });

  it('the workforce bin runs a module over JSON Lines', async () => {
    write('double.mjs', 'export default (n) => n * 2;\n');
    const bin = join(project, 'node_modules', '.bin', 'workforce');
    assert.match(await sh(bin, ['--version']), /^\d+\.\d+\.\d+/);
    const out = await sh(bin, ['run', 'double.mjs', '--ordered', '-q'], { input: '1\n2\n3\n' });
    assert.deepEqual(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
      [2, 4, 6],
    );
  });
});
