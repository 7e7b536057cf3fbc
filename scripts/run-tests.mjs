#!/usr/bin/env node
// Runs every test/**/*.test.ts file with node's test runner (TypeScript compiled once by esbuild, see test-preload.mjs).
// Usage: node scripts/run-tests.mjs [dir-or-file ...]   (default: test/)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/** The files under `path` (a file or a folder) whose path passes `keep`, not looking into folders named `skip`. */
function walk(path, keep, skip, out = []) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) if (entry !== skip) walk(join(path, entry), keep, skip, out);
  } else if (keep(path)) out.push(path);
  return out;
}

/** The test files under `path`. */
const collect = (path) => walk(path, (file) => /\.test\.[cm]?[jt]s$/.test(file), 'fixtures');
/** The TypeScript files (not declarations) under `path`. */
const typescript = (path) => walk(path, (file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file), 'node_modules');

// The longest files (each 7 s or more alone, measured on a quiet machine) start first, so that the
// run does not end waiting on one long file that started last; the others follow in name order.
const LONGEST = [
  'test/remote/consumers.test.ts',
  'test/pool/leaks.test.ts',
  'test/pool/durability.test.ts',
  'test/cli/resume.test.ts',
  'test/remote/failover.test.ts',
  'test/pool/cancellation.test.ts',
  'test/pool/nested.test.ts',
  'test/remote/redis-gone.test.ts',
  'test/pool/crash-detail.test.ts',
  'test/chaos/chaos.test.ts',
  'test/cli/readme-main-job.test.ts',
  'test/api/pack.test.ts',
  'test/cli/worker-without-bullmq.test.ts',
  'test/worker/untrusted-worker.test.ts',
  'test/pool/bad-input.test.ts',
  'test/remote/calls.test.ts',
  'test/pool/listener-isolation.test.ts',
  'test/cli/run.test.ts',
  'test/bench/harness.test.ts',
  'test/pool/contract/lifecycle.test.ts',
  'test/pool/start-failures.test.ts',
  'test/api/declarations.test.ts',
  'test/pool/events.test.ts',
  'test/cli/signals.test.ts',
  'test/pool/contract/options.test.ts',
];
const rank = (file) => {
  const i = LONGEST.indexOf(file.split(sep).join('/'));
  return i < 0 ? LONGEST.length : i;
};
const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['test'])
  .flatMap((r) => collect(r))
  .sort()
  .sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Human-readable spec output on stdout, plus a TAP copy whose totals end the run as
// `# pass N` / `# fail N` and a final `N passed, N failed` line that CI can read.
const dir = mkdtempSync(join(tmpdir(), 'workforce-tests-'));
const tap = join(dir, 'report.tap');
// TypeScript: every .ts file the test processes may import (test/, src/, bench/) compiled once, here,
// by esbuild (what tsx would do in each test process), served by test-preload.mjs' hooks under
// the .ts file's own URL. The preload keeps itself out of the workers the tests start.
const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(dir, 'js');
const sources = ['test', 'src', 'bench'].flatMap((d) => typescript(join(root, d)));
buildSync({
  entryPoints: sources,
  outdir: cache,
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'error',
});
const preload = new URL('./test-preload.mjs', import.meta.url).href;
// Three test files at a time on CI's 2 cores: a test file often waits (timers, child processes,
// redis-server), and a third file uses the core it leaves idle. WORKFORCE_TEST_CONCURRENCY sets it.
const concurrency = Number(process.env.WORKFORCE_TEST_CONCURRENCY) || 3;
const args = ['--import', preload, '--test', `--test-concurrency=${concurrency}`];
args.push('--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`);
// The run is its own process group, so that a hung test cannot hang CI: past the time limit the
// whole group (runner, test files, their workers) is ended and the run fails. Ctrl-C is passed on.
const group = process.platform !== 'win32';
const limitMs = Number(process.env.WORKFORCE_TEST_LIMIT_MS) || 15 * 60_000;
const child = spawn(process.execPath, [...args, ...files], {
  stdio: 'inherit',
  detached: group,
  env: { ...process.env, WORKFORCE_TEST: '1', WORKFORCE_TS_CACHE: cache },
});
const end = (signal) => {
  try {
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {}
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => end(signal));
let timedOut = false;
const timer = setTimeout(() => {
  timedOut = true;
  console.error(`\nthe test run took over ${limitMs / 1000} s (a test hangs?): ending it`);
  end('SIGKILL');
}, limitMs);
const status = await new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
clearTimeout(timer);
let text = '';
try {
  text = readFileSync(tap, 'utf8');
} catch {}
// WORKFORCE_TEST_TAP=<file> keeps a copy of the TAP report (per-file `duration_ms`, for finding slow files)
if (process.env.WORKFORCE_TEST_TAP) writeFileSync(process.env.WORKFORCE_TEST_TAP, text);
rmSync(dir, { recursive: true, force: true });
const count = (name) => Number(text.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
const pass = count('pass');
const fail = count('fail') + count('cancelled') + (timedOut ? 1 : 0);
console.log(`# pass ${pass}`);
console.log(`# fail ${fail}`);
console.log(`${pass} passed, ${fail} failed`);
process.exit(timedOut ? 1 : status);
