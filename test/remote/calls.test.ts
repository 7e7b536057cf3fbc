// workforcejs/bullmq calls through a real Redis: round trips (CBOR, JSON), typed errors, size limits,
// missed completion events (the state poll), removed jobs, and the Runner type. (Done when 1, 2, 10, 11.)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import {
  CallMaxRetryError,
  createPool,
  MethodNotFoundError,
  PoolClosedError,
  type Runner,
  SerializationError,
  TimeoutError,
  WorkerCrashError,
  WorkforceError,
} from 'workforcejs';
import { createRemotePool, JobRemovedError, type RemotePool } from 'workforcejs/bullmq';
import { fixture } from '../helpers.js';
import { type Consumer, FAST, startConsumer } from './consumers.js';
import { type RedisServer, redisSkip, startRedis } from './redis.js';

const skip = redisSkip();

describe('remote calls', { skip }, () => {
  let redis: RedisServer;
  let consumer: Consumer;
  let slowConsumer: Consumer;
  let customConsumer: Consumer;
  const remotes: RemotePool[] = [];
  const remote = (options: Partial<Parameters<typeof createRemotePool>[0]> = {}) => {
    const pool = createRemotePool({ queue: 'calls', connection: redis.url, ...options });
    remotes.push(pool);
    return pool;
  };

  before(async () => {
    redis = await startRedis();
    // default lock settings: a loaded machine may stall a 5 MiB job's event loop past a short lock
    consumer = startConsumer(redis.url, 'calls', ['--workers', '2', '--max-retries', '1']);
    // a pool timeout of 300 ms and no retries: TimeoutError itself crosses
    slowConsumer = startConsumer(redis.url, 'timeouts', [...FAST, '--workers', '1', '--max-retries', '0', '--timeout', '300']);
    // a custom serializer: each consumer brings its own (a job names it only 'custom')
    customConsumer = startConsumer(redis.url, 'custom', ['--workers', '1', '--serializer', fixture('ser-custom.mjs')]);
    await Promise.all([consumer.ready, slowConsumer.ready, customConsumer.ready]);
  });

  after(async () => {
    await Promise.all(remotes.map((r) => r.close({ force: true })));
    consumer.child.kill('SIGTERM');
    slowConsumer.child.kill('SIGTERM');
    customConsumer.child.kill('SIGTERM');
    assert.equal(await consumer.exited, 0, consumer.stderr());
    assert.equal(await slowConsumer.exited, 0, slowConsumer.stderr());
    assert.equal(await customConsumer.exited, 0, customConsumer.stderr());
  });

  it('run, runMethod and addTask round-trip; CBOR keeps Date, Map, BigInt, Buffer, undefined, Set', async () => {
    const r = remote();
    assert.deepEqual(await r.run(1, 'a', [true]), [1, 'a', [true]]);
    assert.equal(await r.runMethod('add', 2, 3), 5);
    assert.deepEqual(await r.addTask({ x: 1 }, { method: 'same' }), { x: 1 });
    const value = await r.runMethod<Record<string, unknown>>('types');
    assert.ok(value.date instanceof Date && (value.date as Date).getTime() === 0);
    assert.deepEqual(value.map, new Map([['k', 1n]]));
    assert.equal(value.big, 2n ** 70n);
    assert.ok(Buffer.isBuffer(value.buf), 'a Buffer stays a Buffer');
    assert.equal(String(value.buf), 'hi');
    assert.ok('undef' in value && value.undef === undefined);
    assert.deepEqual(value.set, new Set([1]));
    const sent = { when: new Date(5), m: new Map([[1, 2]]), b: 7n, buf: Buffer.from([1, 2]) };
    assert.deepEqual(await r.runMethod('same', sent), sent);
  });

  it("'json' follows JSON's rules: Date becomes a string, Map an object; BigInt is refused at the call", async () => {
    const r = remote({ serializer: 'json' });
    assert.deepEqual(await r.runMethod('same', { when: new Date(0), m: new Map([[1, 2]]), u: undefined }), { when: '1970-01-01T00:00:00.000Z', m: {} });
    await assert.rejects(r.runMethod('same', 1n), SerializationError);
    assert.equal(r.pending, 0);
  });

  it('a custom serializer (a module path) round-trips through producer and consumer; that consumer still runs built-in jobs', async () => {
    const custom = remote({ queue: 'custom', serializer: fixture('ser-custom.mjs') });
    // ser-custom revives Dates: JSON would give a string, so the custom one ran on both sides
    const value = await custom.addTask<{ at: unknown; n: number }>({ at: new Date(5), n: 1 }, { method: 'same' });
    assert.ok(value.at instanceof Date && value.at.getTime() === 5, String(value.at));
    assert.equal(value.n, 1);
    assert.equal(await remote({ queue: 'custom' }).runMethod('add', 2, 5), 7, 'a cbor job on the same consumer');
    // a consumer without it refuses a custom job (typed, at once), it does not guess
    await assert.rejects(
      remote({ queue: 'calls', serializer: fixture('ser-custom.mjs') }).runMethod('add', 1, 1),
      (e: unknown) => e instanceof SerializationError && /custom serializer/.test(e.message),
    );
  });

  it('calls made while the serializer loads are accepted: close() waits for them, close({ force }) refuses them', async () => {
    // ser-slow takes 400 ms to load; every call below is made before it has
    const graceful = remote({ queue: 'custom', serializer: fixture('ser-slow.mjs') });
    const calls = [graceful.runMethod('add', 1, 2), graceful.addTask({ n: 3 }, { method: 'same' })];
    assert.equal(graceful.pending, 2, 'counted as pending while the serializer loads');
    const closing = graceful.close();
    await assert.rejects(graceful.runMethod('add', 0, 0), PoolClosedError, 'a call after close() is refused');
    assert.deepEqual(await Promise.all(calls), [3, { n: 3 }]);
    await closing;
    assert.equal(graceful.pending, 0);

    const forced = remote({ queue: 'custom', serializer: fixture('ser-slow.mjs') });
    const refused = forced.runMethod('add', 1, 2).catch((e: unknown) => e);
    await forced.close({ force: true });
    assert.ok((await refused) instanceof PoolClosedError);
    assert.equal(forced.pending, 0);
  });

  it('a task error keeps its name, message, code and stack', async () => {
    const error = await remote()
      .runMethod('fail', 'bad input')
      .catch((e: unknown) => e as Error & { code?: string });
    assert.ok(error instanceof TypeError);
    assert.ok(!(error instanceof WorkforceError));
    assert.equal(error.message, 'bad input');
    assert.equal((error as TypeError & { code?: string }).code, 'E_USER');
    assert.match(error.stack ?? '', /remote-worker\.mjs/);
  });

  it('MethodNotFoundError, TimeoutError, CallMaxRetryError(WorkerCrashError) cross with instanceof, .reason, .attempts', async () => {
    const missing = await remote()
      .runMethod('nope')
      .catch((e: unknown) => e);
    assert.ok(missing instanceof MethodNotFoundError);
    assert.equal(missing.code, 'ERR_WORKFORCE_METHOD_NOT_FOUND');
    assert.equal(missing.method, 'nope');

    const late = await remote({ queue: 'timeouts' })
      .runMethod('slow', 5000)
      .catch((e: unknown) => e);
    assert.ok(late instanceof TimeoutError, String(late));
    assert.equal(late.timeout, 300);

    const crashed = await remote()
      .runMethod('crash')
      .catch((e: unknown) => e);
    assert.ok(crashed instanceof CallMaxRetryError, String(crashed));
    assert.equal(crashed.attempts, 2);
    assert.ok(crashed.reason instanceof WorkerCrashError);
    assert.equal(crashed.reason.exitCode, 9);
    assert.equal(typeof (crashed.reason as WorkerCrashError & { host?: string }).host, 'string');
    assert.match(crashed.reason.message, /on consumer /);
  });

  it('a user error named like a pool error stays a plain Error with its name, message and stack (never rebuilt as TimeoutError)', async () => {
    const error = (await remote()
      .runMethod('forged')
      .catch((e: unknown) => e)) as Error;
    assert.ok(error instanceof Error, String(error));
    assert.equal(error.name, 'TimeoutError');
    assert.equal(error.message, 'not really a timeout');
    assert.ok(!(error instanceof TimeoutError));
    assert.ok(!(error instanceof WorkforceError));
    assert.match(error.stack ?? '', /forged/, 'the stack from the consumer');
  });

  it('5 MiB argument and result round-trip with a raised limit; over the limit is a SerializationError before Redis', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 3);
    const raised = remote({ maxPayloadBytes: 6 * 1024 * 1024 });
    const back = await raised.runMethod<Buffer>('same', big);
    assert.equal(back.length, big.length);
    assert.ok(big.equals(back));
    assert.equal((await raised.runMethod<Buffer>('bytes', 5 * 1024 * 1024)).length, 5 * 1024 * 1024);

    const queue = new Queue('calls', { connection: redis.connection });
    try {
      const before = await queue.getJobCountByTypes('completed', 'failed', 'waiting', 'active');
      const strict = remote();
      await assert.rejects(strict.runMethod('same', big), SerializationError);
      assert.equal(await queue.getJobCountByTypes('completed', 'failed', 'waiting', 'active'), before, 'nothing reached Redis');
      // a result over the producer's limit fails on the consumer, typed
      await assert.rejects(strict.runMethod('bytes', 2 * 1024 * 1024), (e: unknown) => e instanceof SerializationError && /over the limit/.test(e.message));
    } finally {
      await queue.close();
    }
  });

  it('a call whose completion event was trimmed away still settles (the state poll)', async () => {
    const jobId = `k-${randomUUID()}`;
    const first = remote();
    assert.equal(await first.addTask(41, { method: 'same', jobId }), 41);
    const queue = new Queue('calls', { connection: redis.connection });
    try {
      await queue.trimEvents(0);
      // The job completed before this producer listened, and its event is gone: only the poll can answer.
      const second = remote({ pollInterval: 100 });
      assert.equal(await second.addTask(99, { method: 'same', jobId }), 41, 'the retained job answers (jobId is an idempotency key)');
    } finally {
      await queue.close();
    }
  });

  it('calls of one tick are added together, each with its own jobId, priority and delay', async () => {
    const r = remote();
    const queue = new Queue('calls', { connection: redis.connection });
    try {
      const tag = randomUUID();
      const started = Date.now();
      // made in one tick: the producer adds them with one addBulk
      const calls = [
        r.addTask(1, { method: 'same', jobId: `${tag}-a`, priority: 3 }),
        r.addTask(2, { method: 'same', jobId: `${tag}-b`, delay: 1500 }),
        r.runMethod('add', 1, 2),
        r.addTask(4, { method: 'same', jobId: `${tag}-a` }), // the same jobId: the same job, the same result
      ];
      const delayedAt = calls[1].then(() => Date.now() - started);
      assert.deepEqual(await Promise.all(calls), [1, 2, 3, 1]);
      assert.ok((await delayedAt) >= 1500, 'the delayed call did not run before its delay');
      const [a, b] = await Promise.all([queue.getJob(`${tag}-a`), queue.getJob(`${tag}-b`)]);
      assert.equal(a?.opts.priority, 3);
      assert.equal(b?.opts.delay, 1500);
      assert.equal(a?.opts.attempts, 1, "the remote pool's default job options");
    } finally {
      await queue.close();
    }
  });

  it('a removed job rejects with JobRemovedError', async () => {
    const r = remote({ queue: 'nobody-serves-this', pollInterval: 100 });
    const jobId = `gone-${randomUUID()}`;
    const call = r.addTask(1, { jobId });
    const settled = call.then(
      () => undefined,
      (e: unknown) => e,
    );
    const queue = new Queue('nobody-serves-this', { connection: redis.connection });
    try {
      for (let i = 0; i < 100 && !(await queue.getJob(jobId)); i++) await new Promise((res) => setTimeout(res, 20));
      assert.equal(await queue.remove(jobId), 1);
      const error = await settled;
      assert.ok(error instanceof JobRemovedError, String(error));
      assert.equal(error.jobId, jobId);
    } finally {
      await queue.close();
    }
  });

  it('application code can take a local pool or a remote pool as a Runner', async () => {
    const twice = async (runner: Runner) => [await runner.runMethod('add', 1, 2), await runner.addTask(5, { method: 'same' })];
    const local = createPool({ module: fixture('remote-worker.mjs'), numberOfWorkers: 1 });
    try {
      assert.deepEqual(await twice(local), [3, 5]);
    } finally {
      await local.close();
    }
    assert.deepEqual(await twice(remote()), [3, 5]);
  });
});
