// Issue 18, "bad options that pass": absurd worker counts, inherited serializer names, an affinity
// that names no worker, and workerData that cannot be copied are refused where they are given,
// with InvalidOptionError, and the pool (when there is one) serves on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, InvalidOptionError, MAX_WORKERS, type PoolOptions, type PoolWorker, WorkPool } from 'workforcejs';
import { eventually, fixture } from '../helpers.js';

const MODULE = fixture('basic.mjs');

const invalid = (option: string) => (error: unknown) => {
  assert.ok(error instanceof InvalidOptionError, String(error));
  assert.equal(error.option, option);
  return true;
};

const doubler = ({ id }: { id: number }): PoolWorker<number, number> => ({ id, active: true, execute: (n: number) => n * 2, destroy() {} });

describe('worker counts beyond what the machine could run (finding 6)', () => {
  it('MAX_WORKERS is stated: at least the CPU count, one worker per 8 MiB of memory', async () => {
    const { availableParallelism, totalmem } = await import('node:os');
    assert.equal(MAX_WORKERS, Math.max(availableParallelism(), Math.floor(totalmem() / 2 ** 23)));
  });

  for (const count of [1e9, 2 ** 31, 1e308, MAX_WORKERS + 1]) {
    it(`${count} workers is refused at createPool and WorkPool, whichever option says it`, () => {
      for (const option of ['numberOfWorkers', 'minWorkers', 'maxWorkers'] as const) {
        const options: PoolOptions = { module: MODULE, [option]: count };
        if (option === 'minWorkers') options.maxWorkers = 1;
        assert.throws(
          () => createPool(options),
          (e: InvalidOptionError) => e instanceof InvalidOptionError && e.option === option && e.message.includes(String(MAX_WORKERS)),
        );
      }
      assert.throws(() => new WorkPool(doubler, { maxWorkers: count }), invalid('maxWorkers'));
      assert.throws(() => new WorkPool(doubler, { minWorkers: count }), invalid('minWorkers'));
    });
  }

  it('MAX_WORKERS itself is a valid maxWorkers (the pool grows only under load)', async () => {
    const pool = new WorkPool(doubler, { maxWorkers: MAX_WORKERS });
    try {
      assert.equal(await pool.submit(21), 42);
    } finally {
      await pool.close();
    }
  });
});

describe("serializer names are the serializers' own, never inherited members (finding 7)", () => {
  for (const name of ['toString', 'valueOf', 'hasOwnProperty', 'constructor', '__proto__']) {
    it(`serializer: '${name}' is refused at createPool`, () => {
      assert.throws(() => createPool({ module: MODULE, serializer: name }), invalid('serializer'));
    });
  }
});

describe('affinity that names no worker (finding 8)', () => {
  it('a module pool refuses {} and an unknown id at the call, and serves on; a starting worker and "main" are fine', async () => {
    const pool = createPool({ module: MODULE, numberOfWorkers: 2 });
    try {
      // right after createPool both workers are still starting: their ids are valid
      assert.deepEqual(await Promise.all([1, 2].map((id) => pool.addTask(null, { affinity: id, affinityStrength: 'force', method: 'whoami' }))), [1, 2]);
      for (const affinity of [{}, [], null, true]) {
        await assert.rejects(pool.addTask(null, { affinity: affinity as never, method: 'whoami' }), invalid('affinity'));
      }
      for (const strength of ['light', 'strong', 'force'] as const) {
        await assert.rejects(pool.addTask(null, { affinity: 99, affinityStrength: strength, method: 'whoami' }), invalid('affinity'));
        await assert.rejects(pool.addTask(null, { affinity: 'nobody', affinityStrength: strength, method: 'whoami' }), invalid('affinity'));
      }
      assert.equal(await pool.addTask(null, { affinity: 'main', method: 'whoami' }), 'main');
      assert.equal(await pool.run(1, 2, 3), 6);
      assert.equal(pool.stats.queued + pool.stats.running, 0);
    } finally {
      await pool.close();
    }
  });

  it('a WorkPool refuses an unknown id, also that of a worker that is gone', async () => {
    const made: PoolWorker<number, number>[] = [];
    const pool = new WorkPool<number, number>(
      (context) => {
        const worker = doubler(context);
        made.push(worker);
        return worker;
      },
      { maxWorkers: 1, ttl: 1 },
    );
    try {
      assert.equal(await pool.submit(1, { affinity: 1 }), 2); // worker 1 is recycled after this call (ttl 1)
      await assert.rejects(pool.submit(1, { affinity: 7 }), invalid('affinity'));
      await assert.rejects(pool.submit(1, { affinity: {} as never }), invalid('affinity'));
      assert.equal(await pool.submit(5), 10);
      assert.ok(made.length >= 2);
      // once the recycled worker is gone, its id names no worker
      await eventually(() =>
        pool.submit(1, { affinity: 1 }).then(
          () => false,
          (e) => invalid('affinity')(e),
        ),
      );
    } finally {
      await pool.close();
    }
  });
});

describe('workerData that cannot be copied (finding 8)', () => {
  for (const runtime of ['thread', 'process'] as const) {
    it(`is refused at createPool (${runtime})`, () => {
      for (const workerData of [() => 1, { fn() {} }, Symbol('x')]) {
        assert.throws(() => createPool({ module: MODULE, runtime, numberOfWorkers: 1, workerData }), invalid('workerData'));
      }
    });
  }

  it('is fine on the main thread (inline), where nothing is copied', async () => {
    const pool = createPool({ module: MODULE, runtime: 'inline', numberOfWorkers: 1, workerData: { fn() {} } });
    try {
      assert.equal(await pool.run(1, 2, 3), 6);
    } finally {
      await pool.close();
    }
  });
});
