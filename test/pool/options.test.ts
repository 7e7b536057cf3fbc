// The option normalisers on their own: resolveEngineOptions (WorkPool's options) and
// resolvePoolOptions (createPool's): every option checked once, each failure an InvalidOptionError
// naming the option (unknown names with the nearest valid one), defaults filled in, and createPool
// handing the engine only engine options.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.js';
import { ModuleLoadError } from '../../src/errors/module-load-error.js';
import { ENGINE_OPTION_NAMES, type EngineOptions, MAX_WORKERS, resolveEngineOptions } from '../../src/pool/options.js';
import { type PoolOptions, resolvePoolOptions } from '../../src/pool/pool-options.js';
import { MAX_DELAY } from '../../src/util/validate.js';
import { fixture } from '../helpers.js';

const MODULE = fixture('mp-esm.mjs');

/** Asserts `fn` throws an InvalidOptionError about `option`. */
function refuses(fn: () => unknown, option: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError, String(error));
    assert.equal(error.option, option);
    return true;
  });
}

describe('resolveEngineOptions', () => {
  it('answers every engine option, and nothing else', () => {
    const resolved = resolveEngineOptions({});
    assert.deepEqual(Object.keys(resolved).sort(), [...ENGINE_OPTION_NAMES].sort());
    for (const [name, value] of Object.entries(resolved)) assert.notEqual(value, undefined, name);
  });

  it('fills in the documented defaults', () => {
    const r = resolveEngineOptions({});
    assert.equal(r.concurrency, 1);
    assert.equal(r.maxConcurrentCalls, Number.POSITIVE_INFINITY);
    assert.equal(r.ttl, Number.POSITIVE_INFINITY);
    assert.equal(r.maxIdleTime, Number.POSITIVE_INFINITY);
    assert.equal(r.cancelGracePeriod, 1000);
    assert.equal(r.strongAffinityThreshold, 4);
    assert.equal(r.maxStartFailures, 5);
    assert.equal(r.prefetch, 1024);
    assert.equal(r.startTimeout, 30_000);
  });

  it('keeps given values; Infinity means no limit (a timer that must fire gets the longest delay)', () => {
    const r = resolveEngineOptions({
      concurrency: 3,
      prefetch: 0,
      maxStartFailures: 1,
      startTimeout: Number.POSITIVE_INFINITY,
      cancelGracePeriod: Number.POSITIVE_INFINITY,
    });
    assert.equal(r.concurrency, 3);
    assert.equal(r.prefetch, 0);
    assert.equal(r.maxStartFailures, 1);
    assert.equal(r.startTimeout, Number.POSITIVE_INFINITY);
    assert.equal(r.cancelGracePeriod, MAX_DELAY);
  });

  it('refuses a wrong type or range, naming the option', () => {
    const bad: [keyof EngineOptions, unknown][] = [
      ['maxWorkers', 0],
      ['maxWorkers', MAX_WORKERS + 1],
      ['minWorkers', -1],
      ['minWorkers', 1.5],
      ['concurrency', 0],
      ['concurrency', '2'],
      ['maxConcurrentCalls', 0],
      ['maxRetries', -1],
      ['retryOnError', 'yes'],
      ['timeout', 0],
      ['timeout', MAX_DELAY + 1],
      ['ttl', Number.NaN],
      ['maxIdleTime', -1],
      ['cancelGracePeriod', -1],
      ['strongAffinityThreshold', 0.5],
      ['maxStartFailures', 0],
      ['prefetch', -1],
      ['startTimeout', 0],
      ['startTimeout', MAX_DELAY + 1],
    ];
    // maxWorkers given, so a bad minWorkers is not taken as the pool size too
    for (const [name, value] of bad) refuses(() => resolveEngineOptions({ maxWorkers: 4, [name]: value } as EngineOptions), name);
  });

  it('minWorkers above maxWorkers is refused', () => {
    refuses(() => resolveEngineOptions({ minWorkers: 3, maxWorkers: 2 }), 'minWorkers');
    assert.deepEqual(
      [resolveEngineOptions({ minWorkers: 2, maxWorkers: 2 }).minWorkers, resolveEngineOptions({ minWorkers: 0, maxWorkers: 2 }).minWorkers],
      [2, 0],
    );
  });
});

describe('resolvePoolOptions', () => {
  it('an unknown name is refused with the nearest valid one', () => {
    assert.throws(
      () => resolvePoolOptions({ module: MODULE, numberOfWorker: 2 } as unknown as PoolOptions),
      (error: unknown) => error instanceof InvalidOptionError && error.option === 'numberOfWorker' && error.suggestion === 'numberOfWorkers',
    );
    // an engine name counts as known
    assert.doesNotThrow(() => resolvePoolOptions({ module: MODULE, prefetch: 0 }));
  });

  it('refuses what is not options, a bad runtime, a bad module, and checks every own option', () => {
    refuses(() => resolvePoolOptions(undefined as unknown as PoolOptions), 'options');
    refuses(() => resolvePoolOptions({ module: MODULE, runtime: 'fiber' as 'thread' }), 'runtime');
    refuses(() => resolvePoolOptions({ module: 42 as unknown as string }), 'module');
    assert.throws(() => resolvePoolOptions({ module: '/nowhere/missing.mjs' }), ModuleLoadError);
    refuses(() => resolvePoolOptions({ module: MODULE, numberOfWorkers: 0 }), 'numberOfWorkers');
    refuses(() => resolvePoolOptions({ module: MODULE, killTimeout: -1 }), 'killTimeout');
    refuses(() => resolvePoolOptions({ module: MODULE, concurrency: 0 }), 'concurrency');
    refuses(() => resolvePoolOptions({ module: MODULE, maxHeapBeforeRecycle: 0 }), 'maxHeapBeforeRecycle');
    refuses(() => resolvePoolOptions({ module: MODULE, maxPendingMessages: 0 }), 'maxPendingMessages');
    for (const idleWait of ['yes', 1, 0]) refuses(() => resolvePoolOptions({ module: MODULE, idleWait } as never), 'idleWait');
    refuses(() => resolvePoolOptions({ module: MODULE, workerData: () => 1 }), 'workerData');
  });

  it('resolves the module to a path and a file: URL, with the defaults of createPool', () => {
    const r = resolvePoolOptions({ module: pathToFileURL(MODULE) });
    assert.equal(r.modulePath, MODULE);
    assert.equal(r.moduleUrl, pathToFileURL(MODULE).href);
    assert.equal(r.runtime, 'thread');
    assert.equal(r.serializer, 'structured');
    assert.equal(r.killTimeout, 500);
    assert.equal(r.concurrency, 1);
    assert.equal(r.maxHeapBeforeRecycle, undefined);
    assert.equal(r.idleWait, false);
  });

  it('hands the engine engine options only: numberOfWorkers sizes it, startTimeout passes through for the engine to check', () => {
    const { engine } = resolvePoolOptions({ module: MODULE, runtime: 'process', numberOfWorkers: 3, killTimeout: 10, startTimeout: 200, prefetch: 0 });
    for (const name of Object.keys(engine)) assert.ok((ENGINE_OPTION_NAMES as readonly string[]).includes(name), `${name} is not an engine option`);
    assert.equal(engine.minWorkers, 3);
    assert.equal(engine.maxWorkers, 3);
    assert.equal(engine.startTimeout, 200);
    assert.equal(engine.prefetch, 0);
    assert.equal(resolveEngineOptions(resolvePoolOptions({ module: MODULE }).engine).startTimeout, 30_000, 'one default, the engine');
    refuses(() => resolveEngineOptions(resolvePoolOptions({ module: MODULE, startTimeout: 0 }).engine), 'startTimeout');
  });
});
