// Issue 19: runWith(options, ...args) is the one way to give run-style calls (any number of
// arguments) per-call options — a transfer list, a signal, a timeout, a method — without
// mixing them into the arguments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, InvalidOptionError, type ModulePool, type Runtime, TaskAbortedError, TimeoutError } from 'workforcejs';
import { fixture } from '../helpers.js';

const MODULE = fixture('run-with.mjs');

function make(runtime: Runtime): ModulePool {
  return createPool({ module: MODULE, runtime, numberOfWorkers: 1, maxRetries: 0, cancelGracePeriod: 2000, execArgv: [], fork: { execArgv: [] } });
}

const nextMessage = (pool: ModulePool, type: string) =>
  new Promise<unknown>((resolve) => {
    const off = pool.onMessage(type, (content) => {
      off();
      resolve(content);
    });
  });

for (const runtime of ['thread', 'process', 'inline'] as const) {
  describe(`runWith (${runtime})`, { timeout: 60_000 }, () => {
    it('passes a transfer list with several arguments (the default export and a method)', async () => {
      const pool = make(runtime);
      try {
        const buf = new Uint8Array([1, 2, 3, 4]).buffer;
        assert.equal(await pool.runWith({ transfer: [buf] }, buf, 10), 14);
        // threads move what is listed (the buffer is detached here); processes and inline do not
        assert.equal(buf.byteLength, runtime === 'thread' ? 0 : 4);
        const other = new Uint8Array([5, 6]).buffer;
        assert.deepEqual(await pool.runWith({ method: 'sum', transfer: [other] }, other), [2, 11]);
      } finally {
        await pool.close();
      }
    });

    it('takes a signal: aborting it rejects the call with TaskAbortedError and fires the task signal in the worker', async () => {
      const pool = make(runtime);
      try {
        const controller = new AbortController();
        const started = nextMessage(pool, 'started');
        const stopped = nextMessage(pool, 'stopped');
        const call = pool.runWith({ method: 'cooperative', signal: controller.signal }, 10_000);
        await started; // running in the worker (not dropped from the queue)
        controller.abort('enough');
        await assert.rejects(call, TaskAbortedError);
        assert.match(String(await stopped), /abort/i);
        assert.equal(await pool.runWith(null, new ArrayBuffer(1), 1), 2, 'the pool serves on');
      } finally {
        await pool.close();
      }
    });

    it('takes a timeout of its own (the pool has none): TimeoutError with that timeout; other calls are not timed', async () => {
      const pool = make(runtime);
      try {
        const stopped = nextMessage(pool, 'stopped');
        const t0 = performance.now();
        await assert.rejects(pool.runWith({ method: 'cooperative', timeout: 150 }, 10_000), (e: unknown) => {
          assert.ok(e instanceof TimeoutError, String(e));
          assert.equal(e.timeout, 150);
          return true;
        });
        assert.ok(performance.now() - t0 < 5000);
        await stopped;
        assert.equal(await pool.runMethod('cooperative', 300), 'finished', 'a call without its own timeout runs to its end');
      } finally {
        await pool.close();
      }
    });
  });
}

describe('runWith: bad options are refused at the call', () => {
  it('a bad timeout, an unknown option (with the nearest name), a non-object', async () => {
    const pool = make('thread');
    try {
      for (const timeout of [0, -1, Number.NaN, '100', 2 ** 31]) {
        await assert.rejects(pool.runWith({ timeout: timeout as number }, 1), (e: unknown) => e instanceof InvalidOptionError && e.option === 'timeout');
      }
      await assert.rejects(
        pool.runWith({ tranfer: [] } as never, 1),
        (e: unknown) => e instanceof InvalidOptionError && e.option === 'tranfer' && e.suggestion === 'transfer',
      );
      await assert.rejects(pool.runWith(5 as never, 1), InvalidOptionError);
      assert.equal(await pool.runWith({ timeout: Number.POSITIVE_INFINITY }, new ArrayBuffer(2), 1), 3);
    } finally {
      await pool.close();
    }
  });
});
