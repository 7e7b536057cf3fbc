// `workforce worker` where its optional peer dependencies (bullmq, ioredis) are not installed, as a
// user gets it: the package packed and installed into a scratch project without them (from npm's
// cache when it holds the dependencies, as test/api/pack.test.ts does), its bin run there. It says
// what to install (exit 2) instead of a module-resolution stack; `--help` still works. The folder
// is removed afterwards.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDirs } from '../helpers.js';
import { ROOT } from './cli.js';

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// a user's shell: npm's cache, registry and user config, none of the variables `npm test` sets
const keep = /^npm_config_(cache|registry|userconfig)$/i;
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => (keep.test(k) || !/^npm_/i.test(k)) && k !== 'NODE_OPTIONS' && k !== 'WORKFORCE_TEST'),
);
const tmp = tempDirs('workforce-no-bullmq-');

describe('workforce worker without bullmq and ioredis installed', { timeout: 300_000 }, () => {
  let bin = '';
  before(async () => {
    const dir = tmp();
    const { stdout } = await exec(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, env, maxBuffer: 16 << 20 });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    const tarball = join(dir, JSON.parse(stdout)[0].filename);
    await exec(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], {
      cwd: dir,
      env,
      timeout: 240_000,
    });
    assert.ok(!existsSync(join(dir, 'node_modules', 'bullmq')) && !existsSync(join(dir, 'node_modules', 'ioredis')), 'the optional peers are not installed');
    bin = join(dir, 'node_modules', 'workforcejs', 'dist', 'cli', 'main.js');
  });

  /** Runs the installed `workforce` with `args`; resolves with its exit code and output. */
  const workforce = (args: string[]) =>
    exec(process.execPath, [bin, ...args], { env, timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('serving a queue: one line naming the packages to install, exit 2', async () => {
    const { code, stderr } = await workforce(['worker', '--queue', 'q', '--redis', 'redis://127.0.0.1:1', '--module', 'worker.mjs']);
    assert.equal(code, 2, stderr);
    assert.equal(stderr, 'workforce worker needs the optional packages bullmq and ioredis: npm install bullmq ioredis\n');
  });

  it('--help: the help, exit 0', async () => {
    const { code, stdout, stderr } = await workforce(['worker', '--help']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /--queue <name>/);
  });

  it('`workforce run` works there', async () => {
    const { code, stdout, stderr } = await workforce(['run', join(ROOT, 'test', 'cli', 'fixtures', 'double.mjs'), '-i', '/dev/null']);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '');
  });
});
