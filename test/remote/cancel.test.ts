// Aborts and producer timeouts: a waiting job never runs; a running task sees its signal, the call
// rejects at once and the job is not retried. (Done when 7.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { TaskAbortedError, TimeoutError } from 'workforcejs';
import { createRemotePool, type RemotePool } from 'workforcejs/bullmq';
import { eventually, fixture, tempDirs } from '../helpers.js';
import { type Consumer, FAST, startConsumer } from './consumers.js';
import { type RedisServer, redisSkip, startRedis } from './redis.js';

const skip = redisSkip();
const tempDir = tempDirs('workforce-remote-cancel-');
const log = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** Settles within the current turn of the event loop? (a call that rejects "at once") */
function settledNow(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);
}

describe('remote cancellation', { skip, timeout: 90_000 }, () => {
  let redis: RedisServer;
  let consumer: Consumer;
  let remote: RemotePool;
  let queue: Queue;
  before(async () => {
    redis = await startRedis();
    consumer = startConsumer(redis.url, 'cancel', [...FAST, '--workers', '1']);
    remote = createRemotePool({ queue: 'cancel', connection: redis.url, pollInterval: 500 });
    queue = new Queue('cancel', { connection: redis.connection });
    await consumer.ready;
  });
  after(async () => {
    await remote?.close({ force: true });
    await queue?.close();
    consumer?.child.kill('SIGTERM');
    if (consumer) assert.equal(await consumer.exited, 0, consumer.stderr());
  });

  it('abort while the job waits: the job is removed and never runs', async () => {
    const file = join(tempDir(), 'log');
    const idle = createRemotePool({ queue: 'unserved', connection: redis.url });
    const unserved = new Queue('unserved', { connection: redis.connection });
    try {
      const controller = new AbortController();
      const jobId = 'wait-1';
      const call = idle.addTask({ file, ms: 10, tag: 'w' }, { method: 'record', jobId, signal: controller.signal });
      const outcome = call.catch((e: unknown) => e);
      await eventually(async () => (await unserved.getJob(jobId)) !== undefined, 10_000);
      controller.abort();
      assert.ok(await settledNow(outcome), 'rejects at once');
      assert.ok((await outcome) instanceof TaskAbortedError);
      await eventually(async () => (await unserved.getJob(jobId)) === undefined, 10_000);
      // a consumer that serves the queue now finds nothing to run
      const late = startConsumer(redis.url, 'unserved', [...FAST, '--workers', '1']);
      await late.ready;
      assert.equal(await idle.runMethod('add', 1, 1), 2);
      late.child.kill('SIGTERM');
      assert.equal(await late.exited, 0);
      assert.equal(log(file), '', 'the aborted call never ran');
    } finally {
      await idle.close({ force: true });
      await unserved.close();
    }
  });

  it('abort in the tick of the call (its job not added yet): the call rejects at once, its job is removed once added and never runs', async () => {
    const file = join(tempDir(), 'log');
    const idle = createRemotePool({ queue: 'unserved-2', connection: redis.url });
    const unserved = new Queue('unserved-2', { connection: redis.connection });
    try {
      // a first call, added (so the producer is ready and its serializer loaded)
      const other = idle.runMethod('add', 2, 2);
      await eventually(async () => (await unserved.getJobCounts('waiting')).waiting === 1, 10_000);
      const controller = new AbortController();
      const jobId = 'tick-1';
      // calls of one tick are added together on the next: this abort comes before the add
      const call = idle.addTask({ file, ms: 10, tag: 'k' }, { method: 'record', jobId, signal: controller.signal });
      controller.abort();
      const outcome = call.catch((e: unknown) => e);
      assert.ok(await settledNow(outcome), 'rejects at once');
      assert.ok((await outcome) instanceof TaskAbortedError);
      // the aborted call's job is not there (removed once its batch was added); the other one waits
      await sleep(200);
      await eventually(async () => (await unserved.getJob(jobId)) === undefined, 10_000);
      assert.equal((await unserved.getJobCounts('waiting')).waiting, 1);
      const late = startConsumer(redis.url, 'unserved-2', [...FAST, '--workers', '1']);
      await late.ready;
      assert.equal(await other, 4);
      late.child.kill('SIGTERM');
      assert.equal(await late.exited, 0);
      assert.equal(log(file), '', 'the aborted call never ran');
      assert.equal(idle.pending, 0);
    } finally {
      await idle.close({ force: true });
      await unserved.close();
    }
  });

  it('abort while the serializer loads: the call rejects at once and its job is never added', async () => {
    // ser-slow takes 400 ms to load; the call is made before it has (this file loads it first)
    const slow = createRemotePool({ queue: 'unserved-3', connection: redis.url, serializer: fixture('ser-slow.mjs') });
    const unserved = new Queue('unserved-3', { connection: redis.connection });
    try {
      const controller = new AbortController();
      const jobId = 'loading-1';
      const call = slow.addTask({ n: 1 }, { method: 'same', jobId, signal: controller.signal });
      const outcome = call.catch((e: unknown) => e);
      assert.equal(slow.pending, 1);
      await sleep(50);
      const reason = new Error('not needed');
      controller.abort(reason);
      assert.ok(await settledNow(outcome), 'rejects at once, not once the serializer has loaded');
      const error = await outcome;
      assert.ok(error instanceof TaskAbortedError);
      assert.equal(error.reason, reason);
      assert.equal(slow.pending, 0);
      // once loaded, a new call goes through; the aborted one was never added
      const later = slow.addTask({ n: 2 }, { method: 'same', jobId: 'loading-2' });
      later.catch(() => {});
      await eventually(async () => (await unserved.getJob('loading-2')) !== undefined, 10_000);
      assert.equal(await unserved.getJob(jobId), undefined);
    } finally {
      await slow.close({ force: true });
      await unserved.close();
    }
  });

  it('a producer timeout runs from the call, also while the serializer loads', async () => {
    // ser-slower takes 1 s to load, then sets a flag: the 100 ms timeout must come first
    const slow = createRemotePool({ queue: 'unserved-4', connection: redis.url, serializer: fixture('ser-slower.mjs') });
    try {
      const error = await slow.addTask({ n: 1 }, { method: 'same', timeout: 100 }).catch((e: unknown) => e);
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal((globalThis as { __serSlowerLoaded?: boolean }).__serSlowerLoaded, undefined, 'timed out before the serializer had loaded');
      assert.equal(slow.pending, 0);
    } finally {
      await slow.close({ force: true });
    }
  });

  it('abort while running: the task sees its signal, the call rejects at once, no retry', async () => {
    const file = join(tempDir(), 'log');
    const controller = new AbortController();
    const jobId = 'run-1';
    const call = remote.addTask({ file, firstMs: 60_000, ms: 10, tag: 'r' }, { method: 'record', jobId, signal: controller.signal });
    const outcome = call.catch((e: unknown) => e);
    await eventually(() => log(file).includes('start r'), 20_000);
    const reason = new Error('user gave up');
    controller.abort(reason);
    assert.ok(await settledNow(outcome), 'rejects at once');
    const error = await outcome;
    assert.ok(error instanceof TaskAbortedError);
    assert.equal(error.reason, reason);
    await eventually(() => log(file).includes('aborted r'), 20_000);
    await eventually(async () => (await queue.getJobState(jobId)) === 'failed', 10_000);
    const job = await queue.getJob(jobId);
    assert.match(job?.failedReason ?? '', /TaskAbortedError/);
    assert.equal(job?.attemptsStarted, 1, 'not retried');
    assert.equal(log(file).match(/start r/g)?.length, 1);
  });

  it('after a cancelled job, the next jobs on that consumer run to their end (their signal is not aborted)', async () => {
    // the consumer runs one job at once and reuses a finished job's AbortController for the next
    // one: a controller that was aborted must never serve again
    const file = join(tempDir(), 'log');
    const controller = new AbortController();
    const cancelled = remote.addTask({ file, ms: 60_000, tag: 'c' }, { method: 'record', signal: controller.signal }).catch((e: unknown) => e);
    await eventually(() => log(file).includes('start c'), 20_000);
    controller.abort();
    assert.ok((await cancelled) instanceof TaskAbortedError);
    await eventually(() => log(file).includes('aborted c'), 20_000);
    const pids = await Promise.all([1, 2, 3, 4].map((n) => remote.addTask({ file, ms: 50, tag: `n${n}` }, { method: 'record' })));
    for (const pid of pids) assert.equal(typeof pid, 'number');
    for (const n of [1, 2, 3, 4]) assert.match(log(file), new RegExp(`done n${n} `));
    assert.equal(log(file).match(/aborted/g)?.length, 1, log(file));
  });

  it("a producer timeout rejects TimeoutError at once and ends the consumer's task", async () => {
    const file = join(tempDir(), 'log');
    const timed = createRemotePool({ queue: 'cancel', connection: redis.url, timeout: 60_000 });
    try {
      const jobId = 'late-1';
      const call = timed.addTask({ file, firstMs: 60_000, ms: 10, tag: 't' }, { method: 'record', jobId, timeout: 3000 });
      const outcome = call.catch((e: unknown) => e);
      await eventually(() => log(file).includes('start t'), 20_000);
      const error = await outcome;
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.timeout, 3000);
      await eventually(() => log(file).includes('aborted t'), 20_000);
      await eventually(async () => (await queue.getJobState(jobId)) === 'failed', 10_000);
      assert.equal((await queue.getJob(jobId))?.attemptsStarted, 1, 'not retried');
    } finally {
      await timed.close({ force: true });
    }
  });
});
