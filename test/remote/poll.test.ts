// The producer's state poll: calls whose events were trimmed away settle from the jobs' states,
// read for many calls at once (one transaction a round, not a script and a read per job).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createRemotePool } from 'workforcejs/bullmq';
import { type Consumer, FAST, startConsumer } from './consumers.js';
import { type RedisServer, redisSkip, startRedis } from './redis.js';

const skip = redisSkip();
const COMPLETED = 40;
const FAILED = 20;

/** Calls of each command the server has run so far (INFO commandstats). */
async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2]);
  return calls;
}

describe('remote state poll', { skip, timeout: 90_000 }, () => {
  let redis: RedisServer;
  let consumer: Consumer;
  let stats: Redis;
  before(async () => {
    redis = await startRedis();
    stats = new Redis(redis.url);
  });
  after(async () => {
    stats?.disconnect();
    consumer?.child.kill('SIGKILL');
  });

  it('settles many calls whose events were trimmed, reading their states in one round trip', async () => {
    const queue = 'poll';
    const tag = randomUUID();
    const ids = {
      completed: Array.from({ length: COMPLETED }, (_, i) => `${tag}-ok-${i}`),
      failed: Array.from({ length: FAILED }, (_, i) => `${tag}-bad-${i}`),
    };
    consumer = startConsumer(redis.url, queue, [...FAST, '--workers', '1']);
    await consumer.ready;
    const first = createRemotePool({ queue, connection: redis.url });
    await Promise.all([
      ...ids.completed.map((jobId, i) => first.addTask(i, { method: 'same', jobId })),
      ...ids.failed.map((jobId, i) => first.addTask(`no ${i}`, { method: 'fail', jobId }).catch(() => undefined)),
    ]);
    await first.close();
    consumer.child.kill('SIGTERM');
    assert.equal(await consumer.exited, 0, consumer.stderr());
    const q = new Queue(queue, { connection: redis.connection });
    await q.trimEvents(0);
    await q.close();

    // the same jobIds again: the retained jobs are the answers (jobId is an idempotency key), and
    // their completion events are gone, so only the poll can give them
    const second = createRemotePool({ queue, connection: redis.url, pollInterval: 1000 });
    try {
      const calls = [
        ...ids.completed.map((jobId) => second.addTask(-1, { method: 'same', jobId })),
        ...ids.failed.map((jobId) =>
          second.addTask('again', { method: 'fail', jobId }).then(
            () => assert.fail('a failed job answers with its error'),
            (error: unknown) => error,
          ),
        ),
      ];
      // the calls are added (one addBulk) well before the first poll looks at them (pollInterval)
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = await commandCalls(stats);
      const results = await Promise.all(calls);
      const now = await commandCalls(stats);
      const delta = (name: string) => (now[name] ?? 0) - (before[name] ?? 0);

      assert.deepEqual(
        results.slice(0, COMPLETED),
        ids.completed.map((_, i) => i),
      );
      for (const [i, error] of results.slice(COMPLETED).entries()) {
        assert.ok(error instanceof TypeError, String(error));
        assert.equal(error.message, `no ${i}`);
        assert.equal((error as { code?: string }).code, 'E_USER');
      }
      // one MULTI per poll round (one or two rounds), never a state script or a job read per call
      assert.ok(delta('exec') >= 1 && delta('exec') <= 2, `transactions: ${delta('exec')}`);
      assert.ok(delta('hmget') >= COMPLETED + FAILED, `job reads in the transaction: ${delta('hmget')}`);
      assert.ok(delta('evalsha') + delta('eval') <= 2, `scripts run by the poll: ${delta('evalsha') + delta('eval')}`);
      assert.ok(delta('hgetall') <= 2, `whole-job reads: ${delta('hgetall')}`);
    } finally {
      await second.close({ force: true });
    }
  });
});
