// DEBUG=workforce:* logging through the `debug` package: a small script (test/fixtures/debug-script.mjs)
// runs in its own node process, with and without DEBUG, and its stderr is checked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fixture, RUNTIMES } from '../helpers.js';

const run = promisify(execFile);
const SCRIPT = fixture('debug-script.mjs');

/** Runs the script in `runtime` with DEBUG set to `debug` (unset when undefined). */
async function script(runtime: string, debug: string | undefined): Promise<{ stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DEBUG;
  delete env.NODE_OPTIONS; // nothing but the script may write to stderr
  delete env.DEBUG_COLORS;
  if (debug !== undefined) env.DEBUG = debug;
  return run(process.execPath, [SCRIPT, runtime], { env, timeout: 10_000 });
}

/** The debug lines of stderr as `namespace message` (the timestamp debug adds without a TTY dropped). */
function lines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.match(/^\S+Z (workforce:\S+ .*)$/)?.[1])
    .filter((l): l is string => l !== undefined);
}

describe('DEBUG=workforce:* logging', () => {
  for (const runtime of RUNTIMES) {
    it(`logs the pool, lifecycle, dispatch and worker namespaces (${runtime})`, async () => {
      const { stdout, stderr } = await script(runtime, 'workforce:*');
      assert.equal(stdout, '6\nfailed: CallMaxRetryError\n');
      const logged = lines(stderr);
      // in this order (wording kept loose where the message may be reworded)
      const expected = [
        new RegExp(`^workforce:pool creating a ${runtime} pool of .*basic\\.mjs`),
        /^workforce:lifecycle spawning worker 1$/,
        /^workforce:lifecycle worker 1 online$/,
        /^workforce:dispatch task \d+ .*worker 1.*retrying: RangeError: on purpose$/,
        /^workforce:dispatch task \d+ .*giving up: RangeError: on purpose$/,
        /^workforce:pool closing$/,
        /^workforce:worker worker 1 exited \(code 0, signal null, planned\)$/,
        /^workforce:lifecycle worker 1 died \(planned\)/,
      ];
      let at = -1;
      for (const line of expected) {
        const found = logged.findIndex((l, i) => i > at && line.test(l));
        assert.ok(found > at, `${line} logged in order; stderr was:\n${stderr}`);
        at = found;
      }
      const namespaces = new Set(logged.map((l) => l.split(' ')[0]));
      assert.deepEqual([...namespaces].sort(), ['workforce:dispatch', 'workforce:lifecycle', 'workforce:pool', 'workforce:worker']);
    });
  }

  it('DEBUG picks namespaces: workforce:dispatch alone logs only dispatch lines', async () => {
    const { stdout, stderr } = await script('thread', 'workforce:dispatch');
    assert.equal(stdout, '6\nfailed: CallMaxRetryError\n');
    const logged = lines(stderr);
    assert.equal(logged.length, 2, stderr);
    assert.ok(logged.every((l) => l.startsWith('workforce:dispatch ')));
  });

  it('without DEBUG nothing is printed to stderr', async () => {
    const { stdout, stderr } = await script('thread', undefined);
    assert.equal(stdout, '6\nfailed: CallMaxRetryError\n');
    assert.equal(stderr, '');
  });
});
