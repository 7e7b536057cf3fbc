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

/** An unknown option that another library names so: the hint says what it is here. */
function foreign(option: string, suggestion: string, from: string) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError, String(error));
    assert.equal(error.option, option);
    assert.equal(error.suggestion, suggestion);
    assert.ok(error.message.startsWith(`Unknown option '${option}' of `), error.message);
    assert.ok(error.message.includes(` — '${option}' (${from}) is '${suggestion}' here`), error.message);
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
    // the seeds' names are not the core's: the hint says what they are here (not the nearest
    // spelling: maxConcurrentCalls is another option)
    assert.throws(() => createPool({ module: MODULE, serializerPath: 'json' } as PoolOptions), foreign('serializerPath', 'serializer', 'Workestrator'));
    assert.throws(
      () => createPool({ module: MODULE, maxConcurrentCallsPerWorker: 2 } as PoolOptions),
      foreign('maxConcurrentCallsPerWorker', 'concurrency', 'Workestrator and worker-farm'),
    );
  });

  it("WorkPool (the seeds' max / min / idleTimeout included)", () => {
    assert.throws(() => new WorkPool(doubler, { maxWorker: 2 } as never), unknown('maxWorker', 'maxWorkers'));
    assert.throws(() => new WorkPool(doubler, { max: 2 } as never), foreign('max', 'maxWorkers', 'travetto'));
    assert.throws(() => new WorkPool(doubler, { idleTimeout: 2 } as never), foreign('idleTimeout', 'maxIdleTime', 'piscina, tinypool and travetto'));
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
      await assert.rejects(modules.addTask(1, { workerAffinity: 1 } as never), foreign('workerAffinity', 'affinity', '@probedjs/work-pool'));
      assert.equal(await modules.addTask(null, { method: 'whoami' }), 1);
      assert.equal(pool.stats.queued + pool.stats.running, 0, 'nothing left pending');
    } finally {
      await Promise.all([pool.close(), modules.close()]);
    }
  });
});

describe("other libraries' option names say what they are here", () => {
  it("createPool: piscina's, tinypool's, workerpool's and worker-farm's names (the README's migration tables)", () => {
    const cases: [string, string, string][] = [
      ['filename', 'module', 'piscina and tinypool'],
      ['maxThreads', 'maxWorkers', 'piscina and tinypool'],
      ['minThreads', 'minWorkers', 'piscina and tinypool'],
      ['idleTimeout', 'maxIdleTime', 'piscina, tinypool and travetto'],
      ['maxQueue', 'maxConcurrentCalls', 'piscina'],
      ['concurrentTasksPerWorker', 'concurrency', 'piscina'],
      ['isolateWorkers', 'ttl', 'tinypool'],
      ['maxMemoryLimitBeforeRecycle', 'maxHeapBeforeRecycle', 'tinypool'],
      ['workerType', 'runtime', 'workerpool'],
      ['maxConcurrentWorkers', 'numberOfWorkers', 'worker-farm'],
      ['maxCallsPerWorker', 'ttl', 'worker-farm'],
      ['maxCallTime', 'timeout', 'worker-farm'],
      ['forcedKillTime', 'killTimeout', 'worker-farm'],
    ];
    for (const [option, here, from] of cases) {
      assert.throws(() => createPool({ module: MODULE, [option]: 1 } as PoolOptions), foreign(option, here, from));
    }
    // how the value changes, where it does
    assert.throws(() => createPool({ module: MODULE, isolateWorkers: true } as PoolOptions), /isolateWorkers: true is ttl: 1/);
    // a name many would guess gets the right one, not the nearest spelling (minWorkers)
    assert.throws(() => createPool({ module: MODULE, numWorkers: 2 } as PoolOptions), unknown('numWorkers', 'numberOfWorkers'));
  });

  it("a task's: piscina's name and transferList (where the pool takes a method), never a hint to an option that is not there", async () => {
    const modules = createPool({ module: MODULE, numberOfWorkers: 1 });
    try {
      await assert.rejects(modules.addTask(1, { name: 'whoami' } as never), foreign('name', 'method', 'piscina and tinypool'));
      await assert.rejects(modules.addTask(1, { transferList: [] } as never), foreign('transferList', 'transfer', 'piscina and tinypool'));
      // runWith's options name no method: piscina's `name` gets no hint to one
      await assert.rejects(modules.runWith({ name: 'whoami' } as never), unknown('name', undefined));
      // WorkPool has no numberOfWorkers: no hint to it
      assert.throws(
        () => new WorkPool(doubler, { numWorkers: 2 } as never),
        (e: unknown) => e instanceof InvalidOptionError && e.suggestion !== 'numberOfWorkers',
      );
      assert.equal(await modules.addTask(null, { method: 'whoami' }), 1, 'the pool serves on');
    } finally {
      await modules.close();
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
