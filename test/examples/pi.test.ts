// examples/pi: run tiny (a size argument, or PI_POINTS) and check it prints two estimates near π
// and two timings, one for the main thread and one for the pool.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL('../../examples/pi/index.mjs', import.meta.url));

async function example(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [EXAMPLE, ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 10_000 });
  return stdout;
}

/** The estimates and timings the example printed, slow way first. */
function parse(stdout: string): { estimates: number[]; took: number[] } {
  const estimates = [...stdout.matchAll(/^π ≈ (\d+(?:\.\d+)?)\s+\((\S+) away from actual!\)$/gm)].map((m) => {
    assert.ok(Math.abs(Math.abs(Number(m[1]) - Math.PI) - Number(m[2])) < 1e-9, 'the printed error is the distance to π');
    return Number(m[1]);
  });
  const took = [...stdout.matchAll(/^took (\d+) milliseconds$/gm)].map((m) => Number(m[1]));
  return { estimates, took };
}

describe('examples/pi', () => {
  it('a size argument: the main thread and a process pool both estimate π and are timed', async () => {
    const stdout = await example(['200000']);
    assert.match(stdout, /^Doing it the slow \(single-thread\) way with 200000 points\.\.\.$/m);
    assert.match(stdout, /^Doing it the fast \(\d+ processes\) way\.\.\.$/m);
    const { estimates, took } = parse(stdout);
    assert.equal(estimates.length, 2, stdout);
    assert.equal(took.length, 2, stdout);
    // 200,000 darts: the standard error of the estimate is about 0.004
    for (const pi of estimates) assert.ok(Math.abs(pi - Math.PI) < 0.05, `${pi} is near π`);
    for (const ms of took) assert.ok(ms >= 0 && ms < 10_000, `${ms} ms`);
    assert.ok(stdout.indexOf('slow') < stdout.indexOf('fast'));
  });

  it('PI_POINTS and PI_RUNTIME=thread', async () => {
    const stdout = await example([], { PI_POINTS: '100000', PI_RUNTIME: 'thread' });
    assert.match(stdout, /with 100000 points/);
    assert.match(stdout, /^Doing it the fast \(\d+ threads\) way\.\.\.$/m);
    const { estimates, took } = parse(stdout);
    assert.equal(estimates.length, 2);
    assert.equal(took.length, 2);
    for (const pi of estimates) assert.ok(Math.abs(pi - Math.PI) < 0.07, `${pi} is near π`);
  });

  it('a size that is not a whole number is refused', async () => {
    await assert.rejects(example(['lots']), (e: { code: number; stderr: string }) => e.code === 2 && /usage/.test(e.stderr));
  });
});
