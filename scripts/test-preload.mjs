// Preloaded by scripts/run-tests.mjs (`node --import <this file> --test …`) in the runner and in
// every test file's process: it loads tsx, so that the test files (TypeScript) run, and then, in a
// test file's process, takes itself out of process.execArgv.
//
// Why: workforce gives its workers the parent's execArgv (minus debugger and test-runner flags),
// as it does for any user. Left in, `--import tsx` would make every thread and process worker of
// every test load tsx's loader (its hooks thread and esbuild): ~0.15 s CPU more per thread start
// and ~0.5 s more per process start, the larger part of the suite's time. The test files' workers
// run .mjs/.cjs fixtures, which need no loader; a TypeScript worker module still loads, through
// workforce's own tsx support (src/worker/runtime/typescript.ts), exactly as for a user whose
// program was not started under tsx. Tests of the execArgv inheritance itself start a parent of
// their own with the flags they test (test/worker/thread-exec-argv.test.ts, inspect.test.ts).
import { isMainThread } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const self = import.meta.url;
const here = fileURLToPath(self);

// The runner (no NODE_TEST_CONTEXT) keeps the flag: it gives each test file its own execArgv.
// A thread of a test file inherits the flag from its process and has nothing to do.
if (isMainThread) {
  await import('tsx');
  if (process.env.NODE_TEST_CONTEXT) {
    const mine = (value) => value === self || value === here;
    const argv = process.execArgv;
    for (let i = argv.length - 1; i >= 0; i--) {
      if (argv[i] === '--import' && mine(argv[i + 1])) argv.splice(i, 2);
      else if (argv[i].startsWith('--import=') && mine(argv[i].slice('--import='.length))) argv.splice(i, 1);
    }
  }
}
