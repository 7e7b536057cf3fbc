// Data from a worker is untrusted input (issue 18, findings 1, 2 and 4): a worker module that
// throws errors named after Object.prototype members or after workforce's own errors, or writes
// raw frames on its channel, never crashes the parent, never leaves a call unsettled, and never
// makes the pool take its error for one of its own (a forged TimeoutError is not retried).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createPool,
  MethodNotFoundError,
  ModuleLoadError,
  type ModulePool,
  type PoolOptions,
  SerializationError,
  TaskAbortedError,
  TimeoutError,
  WorkerCrashError,
  WorkforceError,
} from 'workforcejs';
import { fixture, RUNTIMES, tempDirs } from '../helpers.js';

const tmp = tempDirs('workforce-untrusted-');
const PROTO_NAMES = ['toString', 'valueOf', 'hasOwnProperty', '__proto__', 'constructor'];
const POOL_NAMES = ['TimeoutError', 'MethodNotFoundError', 'SerializationError', 'ModuleLoadError', 'TaskAbortedError', 'InvalidOptionError'];
const POOL_CLASSES = [TimeoutError, MethodNotFoundError, SerializationError, ModuleLoadError, TaskAbortedError, WorkforceError];

const pools: ModulePool[] = [];
after(async () => {
  for (const pool of pools) await pool.kill();
});

/** A pool of the hostile fixture that records its 'error' events and the attempts of each call. */
function hostile(runtime: (typeof RUNTIMES)[number], options: Partial<PoolOptions> = {}) {
  const pool = createPool({ module: fixture('hostile-worker.mjs'), runtime, numberOfWorkers: 1, ...options });
  pools.push(pool);
  const errors: unknown[] = [];
  const attempts: string[] = [];
  pool.on('error', (_worker: unknown, error: unknown) => errors.push(error));
  pool.onMessage('attempt', (op) => attempts.push(op as string));
  return { pool, errors, attempts };
}

/** The rejection of `promise` (fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, `rejects with an Error, not ${String(error)}`);
    return error;
  }
  return assert.fail('expected a rejection');
}

/** A user error: its name kept, an Error, none of workforce's classes. */
function assertUserError(error: Error, name: string): void {
  assert.equal(error.name, name);
  for (const Class of POOL_CLASSES) assert.ok(!(error instanceof Class), `${name} must not be taken for workforce's ${Class.name}`);
}

for (const runtime of RUNTIMES) {
  describe(`untrusted worker data (${runtime})`, { concurrency: 1 }, () => {
    it('errors named after Object.prototype members come back by name; every call of the batch settles; whenIdle and close settle', async () => {
      const { pool } = hostile(runtime, { concurrency: 16, maxRetries: 0 });
      const calls: Promise<unknown>[] = [];
      for (const name of PROTO_NAMES) {
        calls.push(pool.run({ op: 'throw', name }), pool.run({ op: 'throw-plain', name }), pool.run({ op: 'throw-cause', name }));
      }
      calls.push(pool.run({ op: 'ok', value: 7 }));
      const outcomes = await Promise.allSettled(calls);
      assert.deepEqual(outcomes.at(-1), { status: 'fulfilled', value: 7 });
      PROTO_NAMES.forEach((name, i) => {
        const [thrown, plain, cause] = outcomes.slice(i * 3, i * 3 + 3).map((o) => (o as PromiseRejectedResult).reason as Error);
        assert.ok(thrown instanceof Error && plain instanceof Error && cause instanceof Error);
        assert.equal(Object.getPrototypeOf(thrown), Error.prototype, 'a plain Error (its prototype untouched)');
        assert.equal(thrown.name, name);
        assert.equal((thrown as Error & { detail: string }).detail, 'kept');
        assert.equal(plain.name, name);
        assert.equal((plain as Error & { code: string }).code, 'E_PLAIN');
        assert.equal(cause.message, 'outer');
        assert.ok(cause.cause instanceof Error);
        assert.equal((cause.cause as Error).name, name);
      });
      await pool.whenIdle();
      await pool.close();
    });

    it('an error named after an Object.prototype member in onWorkerStart fails the start with ModuleLoadError', async () => {
      for (const name of ['toString', '__proto__', 'constructor']) {
        const { pool } = hostile(runtime, { workerData: { startErrorName: name }, maxStartFailures: 1 });
        const error = await rejection(pool.run({ op: 'ok', value: 1 }));
        assert.ok(error instanceof ModuleLoadError, `${error}`);
        const chain: unknown[] = [];
        for (let e: unknown = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
        const user = chain.find((e) => (e as Error).name === name) as Error | undefined;
        assert.ok(user, `the user's error is in the cause chain: ${chain.map((e) => (e as Error).name)}`);
        assert.equal(Object.getPrototypeOf(user), Error.prototype);
        await pool.close();
      }
    });

    it('an uncaught error named after an Object.prototype member ends the worker; the call gets a WorkerCrashError', async () => {
      const { pool } = hostile(runtime, { maxRetries: 0 });
      for (const name of ['toString', '__proto__']) {
        const error = await rejection(pool.run({ op: 'uncaught', name }));
        assert.ok(error instanceof WorkerCrashError, `${error}`);
        assert.ok(error.cause instanceof Error);
        assert.equal((error.cause as Error).name, name);
      }
      assert.equal(await pool.run({ op: 'ok', value: 2 }), 2, 'the pool keeps serving');
      await pool.close();
    });

    it("a user error named like one of workforce's is a plain Error, runs once, and is never retried as the pool's", async () => {
      const { pool, attempts } = hostile(runtime, { maxRetries: 3 });
      for (const name of POOL_NAMES) {
        for (const op of ['throw', 'throw-plain']) {
          attempts.length = 0;
          const error = await rejection(pool.run({ op, name }));
          assertUserError(error, name);
          assert.deepEqual(attempts, [op], `${op} ${name} ran once`);
        }
      }
      await pool.close();
    });

    it("AbortSignal.timeout()'s DOMException named TimeoutError runs once and keeps its class", async () => {
      const { pool, attempts } = hostile(runtime, { maxRetries: 3 });
      const error = await rejection(pool.run({ op: 'abort-timeout' }));
      assertUserError(error, 'TimeoutError');
      assert.ok(error instanceof DOMException, 'rebuilt as a DOMException');
      assert.equal(attempts.length, 1, 'not retried');
      await pool.close();
    });

    it('a nested task that throws an error named TimeoutError or __proto__: the same, through both hops', async () => {
      const { pool, attempts } = hostile(runtime, { numberOfWorkers: 2, maxRetries: 3 });
      for (const name of ['TimeoutError', '__proto__']) {
        attempts.length = 0;
        const error = await rejection(pool.run({ op: 'nested', inner: { op: 'throw', name } }));
        assertUserError(error, name);
        assert.deepEqual(attempts.sort(), ['nested', 'throw'], 'each ran once');
      }
      await pool.close();
    });

    it("the runtime's own errors still come back as workforce's classes (method not found)", async () => {
      const { pool } = hostile(runtime);
      const error = await rejection(pool.runMethod('noSuchMethod'));
      assert.ok(error instanceof MethodNotFoundError);
      await pool.close();
    });

    it('a forged RESULT frame claiming a workforce TimeoutError is a plain Error, not retried', async () => {
      const { pool, attempts } = hostile(runtime, { maxRetries: 3 });
      // the first call a fresh worker gets has wire id 1; status 2 claims "the runtime's own error"
      const frame = [12, null, 1, 2, { $error: true, name: 'TimeoutError', message: 'forged', props: { timeout: 1 } }];
      const error = await rejection(pool.run({ op: 'raw', frame }));
      assertUserError(error, 'TimeoutError');
      assert.deepEqual(attempts, ['raw']);
      await pool.close();
    });

    it('a forged RESULT frame whose error is not an error rejects the call with SerializationError, reported as an error event', async () => {
      for (const bad of [null, 42, 'boom', { name: 'x' }]) {
        const { pool, errors } = hostile(runtime);
        const error = await rejection(pool.run({ op: 'raw', frame: [12, null, 1, 0, bad] }));
        assert.ok(error instanceof SerializationError, `${bad}: ${error}`);
        assert.match(error.message, /Worker 1\b.*RESULT/);
        assert.ok(errors.some((e) => e === error));
        assert.equal(await pool.run({ op: 'ok', value: 3 }), 3, 'the worker keeps serving');
        await pool.close();
      }
    });

    it('null or a garbage frame ends the worker: reported as SerializationError naming the worker; its call is retried on a new worker', async () => {
      const frames: unknown[] = [
        null,
        42,
        'garbage',
        {},
        [],
        [99],
        [12],
        [12, null, 1],
        [12, 'heap', 1, 1, 1],
        [12, null, 'id', 1, null],
        [13, null, null],
        [14, null, null, null, null],
        [16, -1],
        [11, null, 'module', 1],
        [11, { $error: true, name: 'x', message: 'y' }, 'nowhere', 0],
        [11, { $error: true, name: 'x', message: 'y' }, 'hook', 0],
        [10],
        [15, null],
      ];
      for (const frame of frames) {
        const { pool, errors } = hostile(runtime, { maxRetries: 1 });
        const first = pool.workers[0];
        const result = await pool.run({ op: 'raw-once', marker: join(tmp(), 'sent'), frame });
        assert.equal(result, 'retried', `${JSON.stringify(frame)}: the call was retried`);
        const reported = errors.find((e) => e instanceof SerializationError) as SerializationError | undefined;
        assert.ok(reported, `${JSON.stringify(frame)}: reported`);
        assert.match(reported.message, /^Worker 1\b/);
        assert.ok(reported.frame);
        assert.notEqual(pool.workers[0], first, 'the worker was replaced');
        await pool.whenIdle();
        await pool.close();
      }
    });

    it('a NESTED frame with a valid id but garbage options answers that nested task with SerializationError', async () => {
      const { pool, errors } = hostile(runtime);
      // nested id 1, options null: attributable, so the worker is kept
      assert.equal(await pool.run({ op: 'raw', frame: [14, 1, null, null, 1], value: 'kept' }), 'kept');
      assert.equal(await pool.run({ op: 'ok', value: 4 }), 4);
      assert.ok(errors.some((e) => e instanceof SerializationError && /NESTED/.test(e.message)));
      await pool.close();
    });
  });
}
