// Consumers that die, pause or stop: calls still answered once, by another consumer. (Done when 3, 4, 5, 6.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { CallMaxRetryError, WorkerCrashError } from 'workforcejs';
import { createRemotePool, type RemotePool } from 'workforcejs/bullmq';
import { eventually, tempDirs } from '../helpers.js';
import { type Consumer, FAST, startConsumer } from './consumers.js';
import { type RedisServer, redisSkip, startRedis } from './redis.js';

const skip = redisSkip();
const tempDir = tempDirs('workforce-remote-');
const LOCK = 1000;
const STALL = 500;

interface Line {
  what: string;
  tag: string;
  pid: number;
}

function lines(file: string): Line[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [what, tag, pid] = l.split(' ');
      return { what, tag, pid: Number(pid) };
    });
}

const has = (file: string, what: string, pid?: number) => lines(file).some((l) => l.what === what && (pid === undefined || l.pid === pid));

/**
 * Calls `record` with a first run that holds its consumer for a minute (a retry elsewhere answers
 * at once), waits until one of `a`, `b` runs it: the call, the consumer holding it and the other.
 */
async function heldCall(
  remote: RemotePool,
  file: string,
  tag: string,
  a: Consumer,
  b: Consumer,
): Promise<[call: Promise<number>, holder: Consumer, other: Consumer]> {
  const call = remote.addTask<number>({ file, firstMs: 60_000, ms: 50, tag }, { method: 'record' });
  await eventually(() => has(file, 'start'), 20_000);
  const [holder, other] = lines(file)[0].pid === a.pid ? [a, b] : [b, a];
  return [call, holder, other];
}

describe('remote failover', { skip, timeout: 120_000 }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });

  /** Two consumers (one worker each) and a producer on a fresh queue; all closed after `body`. */
  async function withTwo(queue: string, args: string[], body: (remote: RemotePool, a: Consumer, b: Consumer) => Promise<void>): Promise<void> {
    const a = startConsumer(redis.url, queue, [...FAST, '--workers', '1', ...args]);
    const b = startConsumer(redis.url, queue, [...FAST, '--workers', '1', ...args]);
    const remote = createRemotePool({ queue, connection: redis.url, pollInterval: 500 });
    try {
      await Promise.all([a.ready, b.ready]);
      await body(remote, a, b);
    } finally {
      await remote.close({ force: true });
      for (const c of [a, b]) {
        c.child.kill('SIGCONT');
        c.child.kill('SIGKILL');
      }
    }
  }

  it('a consumer SIGKILLed mid-job: the call resolves from the other one, once', async () => {
    const file = join(tempDir(), 'log');
    await withTwo('kill', [], async (remote, a, b) => {
      const [call, dead, other] = await heldCall(remote, file, 'k', a, b);
      const killedAt = Date.now();
      dead.child.kill('SIGKILL');
      assert.equal(await call, other.pid);
      // lock expiry + one stall check + slack for a loaded machine
      assert.ok(Date.now() - killedAt < LOCK + STALL + 10_000, `answered ${Date.now() - killedAt} ms after the kill`);
      const done = lines(file).filter((l) => l.what === 'done');
      assert.deepEqual(
        done.map((l) => l.pid),
        [other.pid],
        'exactly one result, from the other consumer',
      );
    });
  });

  it('a job whose consumers keep dying past maxStalledCount rejects with CallMaxRetryError (consumer lost)', async () => {
    const file = join(tempDir(), 'log');
    const queue = 'doomed';
    const args = [...FAST, '--workers', '1', '--max-stalled-count', '1'];
    const consumers = [startConsumer(redis.url, queue, args), startConsumer(redis.url, queue, args)];
    const remote = createRemotePool({ queue, connection: redis.url, pollInterval: 500 });
    try {
      await Promise.all(consumers.map((c) => c.ready));
      const call = remote.addTask({ file, ms: 60_000, tag: 'd' }, { method: 'record' });
      const outcome = call.then(
        () => undefined,
        (e: unknown) => e,
      );
      let kills = 0;
      let settled = false;
      void outcome.then(() => (settled = true));
      while (!settled && kills < 4) {
        await eventually(() => settled || lines(file).filter((l) => l.what === 'start').length > kills, 20_000);
        if (settled) break;
        const holder = lines(file).filter((l) => l.what === 'start')[kills].pid;
        const victim = consumers.find((c) => c.pid === holder);
        assert.ok(victim, 'the job runs on one of the consumers');
        victim.child.kill('SIGKILL');
        kills++;
        const fresh = startConsumer(redis.url, queue, args);
        consumers.push(fresh);
        await fresh.ready;
      }
      const error = await outcome;
      assert.ok(error instanceof CallMaxRetryError, String(error));
      assert.ok(error.reason instanceof WorkerCrashError);
      assert.match(error.reason.message, /consumer lost/);
      assert.equal(kills, 2, 'lost once is retried (maxStalledCount 1), lost twice fails');
      assert.ok(!has(file, 'done'));
    } finally {
      await remote.close({ force: true });
      for (const c of consumers) c.child.kill('SIGKILL');
    }
  });

  it('a consumer paused (SIGSTOP) past its lock and resumed: its task is aborted, one result only', async () => {
    const file = join(tempDir(), 'log');
    await withTwo('pause', [], async (remote, a, b) => {
      const [call, paused, other] = await heldCall(remote, file, 'p', a, b);
      paused.child.kill('SIGSTOP');
      assert.equal(await call, other.pid);
      paused.child.kill('SIGCONT');
      // its lock renewal fails on waking: the task's signal fires
      await eventually(() => has(file, 'aborted', paused.pid), 20_000);
      const q = new Queue('pause', { connection: redis.connection });
      try {
        const [job] = await q.getJobs(['completed', 'failed', 'active', 'wait']);
        assert.equal(await job.getState(), 'completed');
        const recorded = job.returnvalue;
        // the woken consumer must not record a second result (give it time to try)
        await new Promise((r) => setTimeout(r, 1000));
        const again = await q.getJob(job.id ?? '');
        assert.equal(again?.returnvalue, recorded);
        assert.equal(await again?.getState(), 'completed');
      } finally {
        await q.close();
      }
      assert.deepEqual(
        lines(file)
          .filter((l) => l.what === 'done')
          .map((l) => l.pid),
        [other.pid],
      );
    });
  });

  it('SIGTERM drains: the running job finishes there and the consumer exits 0', async () => {
    const file = join(tempDir(), 'log');
    const consumer = startConsumer(redis.url, 'drain', [...FAST, '--workers', '1']);
    const remote = createRemotePool({ queue: 'drain', connection: redis.url });
    try {
      await consumer.ready;
      const call = remote.addTask<number>({ file, ms: 1500, tag: 't' }, { method: 'record' });
      await eventually(() => has(file, 'start'), 20_000);
      consumer.child.kill('SIGTERM');
      assert.equal(await call, consumer.pid);
      assert.equal(await consumer.exited, 0, consumer.stderr());
    } finally {
      await remote.close({ force: true });
      consumer.child.kill('SIGKILL');
    }
  });

  it('a second SIGTERM hands the running job back at once (not at the end of the 30 s drain)', async () => {
    const file = join(tempDir(), 'log');
    await withTwo('second-signal', [], async (remote, a, b) => {
      const [call, stopping, other] = await heldCall(remote, file, 's', a, b);
      stopping.child.kill('SIGTERM');
      await eventually(() => stopping.stderr().includes('draining'), 10_000);
      const secondAt = Date.now();
      stopping.child.kill('SIGTERM');
      assert.equal(await call, other.pid);
      assert.ok(Date.now() - secondAt < 10_000, `answered ${Date.now() - secondAt} ms after the second signal`);
      assert.equal(await stopping.exited, 0, stopping.stderr());
      assert.ok(has(file, 'aborted', stopping.pid), 'its local task was aborted');
    });
  });

  it('a drain past its deadline hands the running job back: it finishes on another consumer', async () => {
    const file = join(tempDir(), 'log');
    await withTwo('handback', ['--drain-timeout', '200'], async (remote, a, b) => {
      const [call, stopping, other] = await heldCall(remote, file, 'h', a, b);
      stopping.child.kill('SIGTERM');
      assert.equal(await call, other.pid);
      const q = new Queue('handback', { connection: redis.connection });
      try {
        const [job] = await q.getJobs(['completed']);
        assert.equal(job.stalledCounter, 0, 'handed back, not left to stall when its lock expired');
        assert.equal(job.attemptsStarted, 2);
      } finally {
        await q.close();
      }
      assert.equal(await stopping.exited, 0, stopping.stderr());
      assert.ok(has(file, 'aborted', stopping.pid), 'its local task was aborted');
      assert.deepEqual(
        lines(file)
          .filter((l) => l.what === 'done')
          .map((l) => l.pid),
        [other.pid],
      );
    });
  });
});
