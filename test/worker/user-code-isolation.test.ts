// Worker code that plays odd with the runtime never takes its worker (or, inline, the host
// process) down, nor the runtime's bookkeeping: a result whose `then` throws rejects its call as
// `await` would; a thenable that calls back twice settles its call once (concurrency still holds);
// postMessageToPool / onMessage with bad arguments throw InvalidOptionError in the worker (the pool
// would end a worker for the frame); a worker-side message listener that throws is reported as the
// worker's error. In each case no worker exits and the pool serves on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, InvalidOptionError, type ModulePool, type PoolOptions, SerializationError } from 'workforcejs';
import { eventually, fixture, RUNTIMES } from '../helpers.js';

const ALL = [...RUNTIMES, 'inline'] as const;
type Runtime = (typeof ALL)[number];

/** A one-worker pool on odd-worker.mjs; `exits` counts the workers that exited. */
function make(runtime: Runtime, options: Partial<PoolOptions> = {}): { pool: ModulePool; exits: unknown[] } {
  // plain-JS fixture: workers need not load the runner's tsx
  const pool = createPool({ module: fixture('odd-worker.mjs'), runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] }, ...options });
  const exits: unknown[] = [];
  pool.on('exit', (worker: unknown) => exits.push(worker));
  return { pool, exits };
}

/** The call rejects with a plain Error (the user's, not a crash nor a retry) with this message. */
async function userError(call: Promise<unknown>, message: string): Promise<void> {
  const error = await call.then(
    (value) => assert.fail(`expected an error, got ${String(value)}`),
    (e: unknown) => e,
  );
  assert.equal((error as Error).constructor, Error, String(error));
  assert.equal((error as Error).message, message);
}

/** The worker still runs one call at a time (concurrency 1): its count of running calls is right. */
async function oneAtATime(pool: ModulePool): Promise<void> {
  const most = await Promise.all(Array.from({ length: 4 }, () => pool.runMethod('overlap')));
  assert.deepEqual(most, [1, 1, 1, 1]);
}

for (const runtime of ALL) {
  describe(`odd worker code (${runtime})`, () => {
    it("a result whose then (or its getter, or a Proxy's get trap) throws rejects the call with that error, as await would; nothing is retried", async () => {
      const { pool, exits } = make(runtime, { retryOnError: false });
      try {
        await userError(pool.runMethod('thenThrows'), 'then threw');
        await userError(pool.runMethod('thenGetterThrows'), 'then getter threw');
        await userError(pool.runMethod('proxyThrows'), 'proxy trap threw');
        // a promise's own then throwing (its species or constructor getter)
        await userError(pool.runMethod('speciesThrows'), 'species getter threw');
        await userError(pool.runMethod('constructorThrows'), 'constructor getter threw');
        assert.equal(await pool.runMethod('ping', 1), 1);
        assert.deepEqual(exits, []);
      } finally {
        await pool.close();
      }
    });

    if (runtime !== 'inline') {
      // (inline, results pass by reference: the Proxy itself is the result)
      it('a Proxy result that cannot be read is a SerializationError', async () => {
        const { pool, exits } = make(runtime);
        try {
          await assert.rejects(pool.runMethod('proxyUnreadable'), SerializationError);
          assert.equal(await pool.runMethod('ping', 1), 1);
          assert.deepEqual(exits, []);
        } finally {
          await pool.close();
        }
      });
    }

    it('a thenable that calls back more than once settles its call once; concurrency still holds', async () => {
      const { pool, exits } = make(runtime, { concurrency: 1 });
      try {
        await oneAtATime(pool);
        for (let i = 0; i < 10; i++) {
          assert.equal(await pool.runMethod('resolveTwice', i), i);
          assert.equal(await pool.runMethod('resolveThenReject', i), i);
          assert.equal(await pool.runMethod('resolveThenThrow', i), i);
          await userError(pool.runMethod('rejectTwice'), 'first rejection');
        }
        await Promise.all(Array.from({ length: 20 }, (_, i) => pool.runMethod('resolveTwice', i)));
        await oneAtATime(pool);
        assert.deepEqual(exits, []);
      } finally {
        await pool.close();
      }
    });

    it('postMessageToPool with a type that is not a string throws InvalidOptionError in the worker; nothing is sent, no call is re-run', async () => {
      const { pool, exits } = make(runtime, { concurrency: 2 });
      const posted: unknown[] = [];
      pool.on('message', (_worker: unknown, type: unknown) => posted.push(type));
      let starts = 0;
      pool.onMessage('started', () => starts++);
      try {
        const beside = pool.runMethod('waitForGo');
        await eventually(() => starts === 1);
        for (const type of [5, null, undefined, { type: 'x' }]) {
          await assert.rejects(pool.runMethod('post', type), (e: unknown) => e instanceof InvalidOptionError && e.option === 'type', String(type));
        }
        pool.postMessageToWorkers('go');
        assert.equal(await beside, 'went');
        assert.equal(starts, 1, 'the call beside them ran once');
        assert.deepEqual(posted, ['started']);
        assert.deepEqual(exits, []);
      } finally {
        await pool.close();
      }
    });

    it('onMessage in the worker with a listener that is not a function throws InvalidOptionError', async () => {
      const { pool, exits } = make(runtime);
      try {
        await assert.rejects(pool.runMethod('listen', 42), (e: unknown) => e instanceof InvalidOptionError && e.option === 'listener');
        pool.postMessageToWorkers('x', 1);
        assert.equal(await pool.runMethod('ping', 1), 1);
        assert.deepEqual(exits, []);
      } finally {
        await pool.close();
      }
    });

    it("a worker's message listener that throws or rejects is that worker's 'error' event; the worker and its other listeners go on", async () => {
      const { pool, exits } = make(runtime);
      const events: [unknown, unknown][] = [];
      pool.on('error', (worker: unknown, error: unknown) => events.push([worker, error]));
      try {
        assert.equal(await pool.runMethod('listenThrowing'), 'listening');
        pool.postMessageToWorkers('boom', 1);
        pool.postMessageToWorkers('boom', 2);
        await eventually(() => events.length === 4);
        assert.deepEqual(events.map(([, error]) => (error as Error).message).sort(), [
          'async listener rejected on 1',
          'async listener rejected on 2',
          'listener threw on 1',
          'listener threw on 2',
        ]);
        for (const [worker] of events) assert.equal(worker, pool.workers[0]);
        assert.deepEqual(await pool.runMethod('heardSoFar'), [1, 2]);
        assert.deepEqual(exits, []);
      } finally {
        await pool.close();
      }
    });

    it("with no 'error' listener, a worker's throwing message listener is a WorkforceWarning", async () => {
      const { pool, exits } = make(runtime);
      const warnings: string[] = [];
      const onWarning = (warning: Error) => {
        if (warning.name === 'WorkforceWarning') warnings.push(warning.message);
      };
      process.on('warning', onWarning);
      try {
        await pool.runMethod('listenThrowing');
        pool.postMessageToWorkers('boom', 3);
        await eventually(() => warnings.filter((text) => /listener (threw|rejected) on 3/.test(text)).length === 2);
        assert.deepEqual(await pool.runMethod('heardSoFar'), [3]);
        assert.deepEqual(exits, []);
      } finally {
        process.off('warning', onWarning);
        await pool.close();
      }
    });
  });
}
