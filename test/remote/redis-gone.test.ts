// A consumer whose Redis server has gone away still stops on SIGTERM: the drain is bounded, then
// its connections are closed by force; it exits 1 (not a clean drain: what it ran may not be
// recorded) and leaves no process behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRemotePool } from 'workforcejs/bullmq';
import { eventually, fixture, tempDirs } from '../helpers.js';
import { FAST, startConsumer } from './consumers.js';
import { freePort, redisSkip, startRedis } from './redis.js';

const skip = redisSkip();
const tempDir = tempDirs('workforce-remote-gone-');
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** ms from SIGTERM to exit: drain 500 + hand-back 2000 + Redis grace 2000 + force close, with room for a loaded machine. */
const EXIT_WITHIN_MS = 15_000;

const log = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** A live process (a zombie left to be reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every process below `pid` (children, their children, …), from /proc. */
function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

const started = new Set<number>();
after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

/** Resolves with the exit code, or null if the process has not exited within `ms` (it is then killed). */
async function exitWithin(child: ReturnType<typeof spawn>, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return code as number | null;
}

describe('a consumer whose Redis has gone', { skip, timeout: 90_000 }, () => {
  it('`workforce worker` with a running job: SIGTERM ends its task, closes by force, exits 1 in bounded time, no process left', async () => {
    const redis = await startRedis();
    const file = join(tempDir(), 'log');
    const child = spawn(
      process.execPath,
      [BIN, 'worker', '--queue', 'gone', '--redis', redis.url, '--module', fixture('remote-worker.mjs'), '--runtime', 'process', '--workers', '2'].concat(
        FAST,
        ['--drain-timeout', '500'],
      ),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    started.add(child.pid ?? 0);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    await eventually(() => /^ready /m.test(out) || child.exitCode !== null, 30_000);
    assert.match(out, /^ready /m, err);
    const remote = createRemotePool({ queue: 'gone', connection: redis.url });
    const call = remote.addTask({ file, ms: 60_000, tag: 'g' }, { method: 'record' }).catch((e: unknown) => e);
    await eventually(() => log(file).includes('start g'), 20_000);
    await remote.close({ force: true });
    await call;
    const tree = descendants(child.pid ?? 0);
    assert.ok(tree.length >= 2, `the pool's processes are found (${tree})`);

    await redis.stop(); // SIGKILL: the consumer's connections now retry for ever
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const code = await exitWithin(child, EXIT_WITHIN_MS);
    const took = Date.now() - signalledAt;
    assert.notEqual(code, null, `still running ${EXIT_WITHIN_MS} ms after SIGTERM: ${err}`);
    assert.equal(code, 1, err);
    assert.ok(took < EXIT_WITHIN_MS, `exited after ${took} ms`);
    assert.match(err, /Redis did not answer/);
    assert.match(log(file), /aborted g /, 'the running task was ended, not left running');
    await eventually(() => tree.every((pid) => !alive(pid)), 5000).catch(() => {});
    assert.deepEqual(
      tree.filter((pid) => alive(pid)),
      [],
      'no process left behind',
    );
  });

  it('an idle consumer (default 30 s drain): SIGTERM exits 1 within seconds, with no handle left open', async () => {
    const redis = await startRedis();
    // the test consumer calls the command without process.exit: it ends only once nothing is left open
    const consumer = startConsumer(redis.url, 'gone-idle', [...FAST, '--workers', '2']);
    started.add(consumer.pid);
    await consumer.ready;
    const tree = descendants(consumer.pid);
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = Date.now();
    consumer.child.kill('SIGTERM');
    const code = await exitWithin(consumer.child, EXIT_WITHIN_MS);
    const took = Date.now() - signalledAt;
    assert.notEqual(code, null, `still running ${EXIT_WITHIN_MS} ms after SIGTERM: ${consumer.stderr()}`);
    assert.equal(code, 1, consumer.stderr());
    assert.ok(took < EXIT_WITHIN_MS, `exited after ${took} ms`);
    assert.match(consumer.stderr(), /Redis did not answer/);
    assert.deepEqual(
      tree.filter((pid) => alive(pid)),
      [],
      'no process left behind',
    );
  });
});

describe('a consumer whose Redis never answers', { skip, timeout: 60_000 }, () => {
  it('says so after 5 s, keeps waiting, and on SIGTERM stops in bounded time (exit 0: it took no job) with no process left', async () => {
    const port = await freePort(); // nothing listens there
    const consumer = startConsumer(`redis://127.0.0.1:${port}`, 'never', ['--workers', '1', '--runtime', 'process']);
    started.add(consumer.pid);
    await eventually(() => /still starting after 5 s: is Redis reachable at 127\.0\.0\.1:\d+\?/.test(consumer.stderr()), 20_000).catch(() =>
      assert.fail(`no notice: ${consumer.stderr()}`),
    );
    assert.ok(consumer.stderr().includes(`127.0.0.1:${port}`), consumer.stderr());
    assert.equal(consumer.child.exitCode, null, 'still waiting for Redis');
    const tree = descendants(consumer.pid);
    consumer.child.kill('SIGTERM');
    const code = await exitWithin(consumer.child, EXIT_WITHIN_MS);
    // a clean stop: it never took a job
    assert.equal(code, 0, consumer.stderr());
    await eventually(() => /SIGTERM while starting, stopping/.test(consumer.stderr()), 2000).catch(() => assert.fail(consumer.stderr()));
    await eventually(() => tree.every((pid) => !alive(pid)), 5000).catch(() => {});
    assert.deepEqual(
      tree.filter((pid) => alive(pid)),
      [],
      'no process left behind',
    );
  });
});

describe('a producer whose Redis has gone', { skip, timeout: 60_000 }, () => {
  // 300 ms: its connections are up; 0: Redis goes while they are still starting (a connection
  // BullMQ opened and never got ready ignored its disconnect and retried for ever)
  for (const delay of [300, 0])
    it(`close({ force: true }) rejects its calls with PoolClosedError and ends in bounded time, leaving nothing open (Redis gone after ${delay} ms)`, async () => {
      const redis = await startRedis();
      const child = spawn(process.execPath, [fixture('remote-producer-gone.mjs'), redis.url, String(delay)], { stdio: ['ignore', 'pipe', 'pipe'] });
      started.add(child.pid ?? 0);
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      await eventually(() => out.includes('called') || child.exitCode !== null, 20_000);
      assert.match(out, /^called$/m, err);
      await redis.stop(); // SIGKILL: the producer's connections now retry for ever
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill('SIGTERM');
      // it exits by itself only once its pool closed and no connection, timer or socket is left
      const code = await exitWithin(child, EXIT_WITHIN_MS);
      assert.equal(code, 0, `exit ${code}: ${out} ${err}`);
      assert.match(out, /^call PoolClosedError$/m);
      const took = Number(/closed in (\d+) ms/.exec(out)?.[1]);
      assert.ok(took < 10_000, `close() took ${took} ms`);
    });
});
