// A spawned program is untrusted too (issue 18, finding 3): a line on its channel that is not
// JSON ends that program with a SerializationError as the cause of its crash — the parent does
// not die of Node's IPC parser, the task is retried or rejected, and shutdown does not hang.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CallMaxRetryError, type ParentChannel, SerializationError, type SpawnedWorker, spawnedWorker, WorkerCrashError, WorkPool } from 'workforcejs';
import { fixture, pidAlive, tempDirs } from '../helpers.js';

const tmp = tempDirs('workforce-spawned-untrusted-');
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const end of cleanup) await end();
});

const handlers = {
  init: (channel: ParentChannel) => channel.once('ready'),
  async execute(channel: ParentChannel, input: number): Promise<number> {
    const res = channel.once('response');
    channel.send('request', { data: input });
    return (await res).data;
  },
};

function garbage(mode: 'always' | 'once', marker?: string): SpawnedWorker<number, number> {
  const worker = spawnedWorker<number, number>('python3', { args: [fixture('spawned-garbage.py'), mode, ...(marker ? [marker] : [])], handlers });
  cleanup.push(async () => worker.destroy({ force: true }));
  return worker;
}

describe('spawned program writing a line that is not JSON', () => {
  test('the running call rejects with WorkerCrashError caused by SerializationError; the program is ended', async () => {
    const worker = garbage('always');
    await worker.init?.();
    const error = await Promise.resolve(worker.execute(2)).then(
      () => assert.fail('must not resolve'),
      (e: unknown) => e as Error,
    );
    assert.ok(error instanceof WorkerCrashError, `${error}`);
    assert.ok(error.cause instanceof SerializationError, `${error.cause}`);
    assert.match((error.cause as Error).message, /not JSON/);
    assert.equal(worker.active, false);
    await worker.destroy();
    assert.equal(pidAlive(worker.pid!), false);
  });

  test('in a pool: the task is retried on a new program and answered; the error is reported', async () => {
    const marker = join(tmp(), 'sent');
    const pool = new WorkPool<number, number>(() => garbage('once', marker), { maxWorkers: 1 });
    cleanup.push(() => pool.kill());
    const errors: unknown[] = [];
    pool.on('error', (_w: unknown, e: unknown) => errors.push(e));
    assert.equal(await pool.submit(21), 42);
    assert.ok(errors.some((e) => e instanceof SerializationError));
    await pool.close();
  });

  test('a program that always writes garbage: the task rejects after its retries and shutdown() settles', async () => {
    const pool = new WorkPool<number, number>(() => garbage('always'), { maxWorkers: 1, maxRetries: 1 });
    cleanup.push(() => pool.kill());
    pool.on('error', () => {});
    const error = await pool.submit(1).then(
      () => assert.fail('must not resolve'),
      (e: unknown) => e as Error,
    );
    assert.ok(error instanceof CallMaxRetryError, `${error}`);
    await pool.close();
  });
});
