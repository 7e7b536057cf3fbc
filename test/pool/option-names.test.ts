// The options normaliser: every option object (createPool, WorkPool, a task, addTask) is checked
// once by name, and an unknown name is an InvalidOptionError naming the nearest valid one; the
// seeds' names are translated by workforcejs/compat only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, InvalidOptionError, type PoolOptions, type PoolWorker, WorkPool } from 'workforcejs';
import { create, WorkPool as TravettoWorkPool, WorkerPool } from 'workforcejs/compat';
import { ENGINE_OPTION_NAMES, TASK_OPTION_NAMES, unknownOption } from '../../dist/pool/options.js';
import { POOL_OPTION_NAMES } from '../../dist/pool/pool-options.js';
import { editDistance, nearest } from '../../dist/util/nearest.js';
import { fixture } from '../helpers.js';

const MODULE = fixture('basic.mjs');

function unknown(option: string, suggestion: string | undefined) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError, String(error));
    assert.equal(error.option, option);
    assert.equal(error.suggestion, suggestion);
    assert.match(error.message, new RegExp(`Unknown option '${option}'`));
    if (suggestion) assert.match(error.message, new RegExp(`did you mean '${suggestion}'\\?`));
    else assert.doesNotMatch(error.message, /did you mean/);
    return true;
  };
}

const doubler = ({ id }: { id: number }): PoolWorker<number, number> => ({ id, active: true, execute: (n: number) => n * 2, destroy() {} });

describe('nearest(): the valid name a typo most likely meant', () => {
  it('edit distance counts insertions, deletions and substitutions, ignoring case', () => {
    assert.equal(editDistance('maxWorker', 'maxWorkers'), 1);
    assert.equal(editDistance('timout', 'timeout'), 1);
    assert.equal(editDistance('MAXRETRIES', 'maxRetries'), 0);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'ttl'), 3);
  });

  it('suggests the closest name, and nothing when no name is close', () => {
    assert.equal(nearest('maxWorker', POOL_OPTION_NAMES), 'maxWorkers');
    assert.equal(nearest('numberOfWorker', POOL_OPTION_NAMES), 'numberOfWorkers');
    assert.equal(nearest('serialiser', POOL_OPTION_NAMES), 'serializer');
    assert.equal(nearest('affinty', TASK_OPTION_NAMES), 'affinity');
    assert.equal(nearest('colour', POOL_OPTION_NAMES), undefined);
    assert.equal(nearest('x', []), undefined);
  });

  it('unknownOption() finds the first unknown own key, and ignores inherited ones', () => {
    assert.equal(unknownOption({ maxWorkers: 1, ttl: 2 }, ENGINE_OPTION_NAMES, 'WorkPool'), undefined);
    const inherited = Object.create({ bogus: 1 });
    inherited.maxWorkers = 1;
    assert.equal(unknownOption(inherited, ENGINE_OPTION_NAMES, 'WorkPool'), undefined);
    const error = unknownOption({ maxWorkers: 1, maxWorker: 2 }, ENGINE_OPTION_NAMES, 'WorkPool');
    assert.ok(error && unknown('maxWorker', 'maxWorkers')(error));
    assert.match(error.message, /^Unknown option 'maxWorker' of WorkPool — did you mean 'maxWorkers'\?$/);
  });
});

describe('unknown option names are refused where they are given', () => {
  it('createPool', () => {
    assert.throws(() => createPool({ module: MODULE, maxWorker: 2 } as PoolOptions), unknown('maxWorker', 'maxWorkers'));
    assert.throws(() => createPool({ module: MODULE, timout: 5 } as PoolOptions), unknown('timout', 'timeout'));
    assert.throws(() => createPool({ module: MODULE, colour: 'red' } as PoolOptions), unknown('colour', undefined));
    // the seeds' names are not the core's; no misleading hint (maxConcurrentCalls is another option)
    assert.throws(() => createPool({ module: MODULE, serializerPath: 'json' } as PoolOptions), unknown('serializerPath', undefined));
    assert.throws(() => createPool({ module: MODULE, maxConcurrentCallsPerWorker: 2 } as PoolOptions), unknown('maxConcurrentCallsPerWorker', undefined));
  });

  it("WorkPool (the seeds' max / min / idleTimeout included)", () => {
    assert.throws(() => new WorkPool(doubler, { maxWorker: 2 } as never), unknown('maxWorker', 'maxWorkers'));
    assert.throws(
      () => new WorkPool(doubler, { max: 2 } as never),
      (e: InvalidOptionError) => e instanceof InvalidOptionError && e.option === 'max',
    );
    assert.throws(
      () => new WorkPool(doubler, { idleTimeout: 2 } as never),
      (e: InvalidOptionError) => e instanceof InvalidOptionError && e.option === 'idleTimeout',
    );
    // createPool's own options are not WorkPool's
    assert.throws(() => new WorkPool(doubler, { numberOfWorkers: 2 } as never), unknown('numberOfWorkers', undefined));
  });

  it('a task (submit) and addTask, and the pool serves on', async () => {
    const pool = new WorkPool(doubler, { maxWorkers: 1 });
    const modules = createPool({ module: MODULE, numberOfWorkers: 1 });
    try {
      await assert.rejects(pool.submit(1, { affinityStrenght: 'force' } as never), unknown('affinityStrenght', 'affinityStrength'));
      await assert.rejects(pool.submit(1, { signl: undefined } as never), unknown('signl', 'signal'));
      assert.equal(await pool.submit(2), 4);
      await assert.rejects(modules.addTask(1, { methd: 'whoami' } as never), unknown('methd', 'method'));
      await assert.rejects(
        modules.addTask(1, { workerAffinity: 1 } as never),
        (e: InvalidOptionError) => e instanceof InvalidOptionError && e.option === 'workerAffinity',
      );
      assert.equal(await modules.addTask(null, { method: 'whoami' }), 1);
      assert.equal(pool.stats.queued + pool.stats.running, 0, 'nothing left pending');
    } finally {
      await Promise.all([pool.close(), modules.close()]);
    }
  });
});

describe("workforcejs/compat translates the seeds' names to the core's", () => {
  it("Workestrator's maxConcurrentCallsPerWorker and serializerPath (a core name given too wins)", async () => {
    const farm = create({ module: MODULE, runtime: 'thread', numberOfWorkers: 1, maxConcurrentCallsPerWorker: 3, serializerPath: 'cbor' });
    try {
      assert.deepEqual(await Promise.all([farm.runMethod('sleep', 50, 'a'), farm.runMethod('sleep', 50, 'b'), farm.runMethod('sleep', 50, 'c')]), [
        'a',
        'b',
        'c',
      ]);
      assert.equal(farm.stats.perWorker.length, 1);
    } finally {
      await farm.close();
    }
    // the unknown-name check still runs after the translation
    assert.throws(() => create({ module: MODULE, serializerPth: 'json' } as never), unknown('serializerPth', 'serializer'));
  });

  it("travetto's max / min / idleTimeout", async () => {
    let made = 0;
    const pool = new TravettoWorkPool(
      (context: { id: number }) => {
        made++;
        return doubler(context);
      },
      { max: 2, min: 2, idleTimeout: 60_000 },
    );
    try {
      assert.equal(await pool.submit(3), 6);
      assert.equal(made, 2, 'min: 2 started two workers');
      await assert.rejects(
        Promise.resolve().then(() => new TravettoWorkPool(doubler, { maxx: 1 } as never)),
        unknown('maxx', undefined),
      );
    } finally {
      await pool.shutdown();
    }
  });

  it("probedjs's workerAffinity on addTask", async () => {
    const pool = new WorkerPool(MODULE, { numberOfWorkers: 2 });
    try {
      for (const id of [1, 2]) assert.equal(await pool.addTask(null, { workerAffinity: id, affinityStrength: 'force', method: 'whoami' }), id);
    } finally {
      await pool.dispose();
    }
  });
});
