// Preloaded by scripts/run-tests.mjs (`node --import <this file> --test …`) in the runner and in
// every test file's process. In a test file's process it makes TypeScript load, then takes itself
// out of process.execArgv.
//
// TypeScript: when the runner compiled the .ts files for this run (WORKFORCE_TS_CACHE), through
// test-ts-hooks.mjs (a hook that serves that JavaScript: no tsx, no esbuild in the test process);
// otherwise (this file preloaded by hand) through tsx.
//
// execArgv: workforce gives its workers the parent's execArgv (minus debugger and test-runner
// flags), as it does for any user. Left in, a loader flag would make every thread and process
// worker of every test load it (`--import tsx`: its hooks thread and esbuild, ~0.15 s CPU more per
// thread start and ~0.5 s more per process start, the larger part of the suite's time). The test
// files' workers run .mjs/.cjs fixtures, which need no loader; a TypeScript worker module still
// loads, through workforce's own tsx support (src/worker/runtime/typescript.ts), exactly as for a
// user whose program was not started under tsx. Tests of the execArgv inheritance itself start a
// parent of their own with the flags they test (test/worker/thread-exec-argv.test.ts, inspect.test.ts).
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const self = import.meta.url;
const here = fileURLToPath(self);

// The runner has no NODE_TEST_CONTEXT: it loads no test file, and keeps the flag to pass it on.
// A thread of a test file that inherits the flag has nothing to do.
const testFile = isMainThread && process.env.NODE_TEST_CONTEXT !== undefined;
if (isMainThread && !(process.env.NODE_TEST_CONTEXT === undefined && process.env.WORKFORCE_TS_CACHE)) {
  const cache = process.env.WORKFORCE_TS_CACHE;
  if (cache) {
    register('./test-ts-hooks.mjs', self, { data: { cache, root: fileURLToPath(new URL('..', self)) } });
    process.setSourceMapsEnabled(true);
  } else {
    await import('tsx');
  }
}
if (testFile) {
  const mine = (value) => value === self || value === here;
  const argv = process.execArgv;
  for (let i = argv.length - 1; i >= 0; i--) {
    if (argv[i] === '--import' && mine(argv[i + 1])) argv.splice(i, 2);
    else if (argv[i].startsWith('--import=') && mine(argv[i].slice('--import='.length))) argv.splice(i, 1);
  }
}
