// Pool messages and bad input: onMessage listeners that are not functions or that throw, and
// postMessageToWorkers with a type that is not a string or on a closed pool. Each is a typed error
// (or an 'error' event) and the pool keeps serving; nothing becomes an uncaught exception.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, InvalidOptionError, type ModulePool, PoolClosedError } from 'workforcejs';
import { eventually, fixture, processEventsDuring, RUNTIMES } from '../helpers.js';

function make(runtime: (typeof RUNTIMES)[number]): ModulePool {
  // execArgv []: plain-JS fixture, the workers need not load the runner's tsx
  return createPool({ module: fixture('mp-esm.mjs'), runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] } });
}

for (const runtime of RUNTIMES) {
  describe(`pool messages, bad input (${runtime})`, () => {
    it('onMessage with a listener that is not a function is an InvalidOptionError', async () => {
      const pool = make(runtime);
      try {
        for (const listener of ['notAFunction', undefined, null, 42, {}]) {
          assert.throws(
            () => pool.onMessage('tick', listener as never),
            (e: unknown) => e instanceof InvalidOptionError && e.option === 'listener',
            String(listener),
          );
        }
        // nothing was registered: the messages that follow reach no broken listener
        assert.equal(await pool.runMethod('emit', 2), 2);
        assert.equal(await pool.run(1, 2, 3), 6);
      } finally {
        await pool.close();
      }
    });

    it('a listener that throws or rejects is an error event; the other listeners and the pool go on', async () => {
      const pool = make(runtime);
      const events: [unknown, unknown][] = [];
      pool.on('error', (worker: unknown, error: unknown) => events.push([worker, error]));
      const heard: unknown[] = [];
      const bug = new Error('listener bug');
      pool.onMessage('tick', () => {
        throw bug;
      });
      pool.onMessage('tick', async () => {
        throw new Error('async listener bug');
      });
      pool.onMessage('tick', (content) => heard.push(content));
      try {
        assert.equal(await pool.runMethod('emit', 2), 2);
        await eventually(() => events.length === 4);
        assert.deepEqual(heard, [0, 1]);
        assert.deepEqual(events.map(([, error]) => (error as Error).message).sort(), [
          'async listener bug',
          'async listener bug',
          'listener bug',
          'listener bug',
        ]);
        const thrown = events.find(([, error]) => error === bug);
        assert.ok(thrown, 'the error the listener threw');
        assert.equal(thrown[0], pool.workers[0], 'and the worker whose message it was');
        assert.equal(await pool.run(1, 2, 3), 6);
      } finally {
        await pool.close();
      }
    });

    it('with no error listener, a listener that throws is a process warning, not an uncaught exception', async () => {
      const pool = make(runtime);
      pool.onMessage('tick', () => {
        throw new Error('unheard listener bug');
      });
      try {
        const warnings = await processEventsDuring<Error>('warning', async () => {
          assert.equal(await pool.runMethod('emit', 1), 1);
          await new Promise((resolve) => setImmediate(resolve));
        });
        assert.equal(warnings.length, 1, String(warnings));
        assert.equal(warnings[0].name, 'WorkforceWarning');
        assert.match(warnings[0].message, /onMessage\("tick"\).*unheard listener bug/);
        assert.equal(await pool.run(1, 2, 3), 6);
      } finally {
        await pool.close();
      }
    });

    it('postMessageToWorkers with a type that is not a string is an InvalidOptionError, while workers start and once they run', async () => {
      const pool = make(runtime);
      const errors: unknown[] = [];
      pool.on('error', (_worker: unknown, error: unknown) => errors.push(error));
      try {
        const bad = [Symbol('t'), 42, undefined, null, { type: 'ping' }];
        // the worker is still starting: nothing is held for it
        for (const type of bad) {
          assert.throws(
            () => pool.postMessageToWorkers(type as never, 1),
            (e: unknown) => e instanceof InvalidOptionError && e.option === 'type',
          );
        }
        assert.equal(await pool.run(1, 2, 3), 6);
        for (const type of bad) {
          assert.throws(
            () => pool.postMessageToWorkers(type as never, 1),
            (e: unknown) => e instanceof InvalidOptionError && e.option === 'type',
          );
        }
        assert.equal(await pool.run(1, 2, 3), 6);
        assert.deepEqual(errors, [], 'no worker failed because of a message');
      } finally {
        await pool.close();
      }
    });

    it('postMessageToWorkers once the pool is closing or closed throws PoolClosedError, like every other call', async () => {
      for (const end of ['close', 'kill'] as const) {
        const pool = make(runtime);
        assert.equal(await pool.run(1, 2, 3), 6);
        const ended = pool[end]();
        assert.throws(() => pool.postMessageToWorkers('ping', 1), PoolClosedError, `during ${end}()`);
        await ended;
        assert.throws(() => pool.postMessageToWorkers('ping', 1), PoolClosedError, `after ${end}()`);
        await assert.rejects(pool.broadcast(1, 2, 3), PoolClosedError);
      }
    });
  });
}
