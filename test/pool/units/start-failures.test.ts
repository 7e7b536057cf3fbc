// Unit test of StartFailures (src/pool/start-failures.ts): backoff after failed starts, and when the pool gives up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModuleLoadError } from '../../../src/errors/module-load-error.js';
import { StartFailures } from '../../../src/pool/start-failures.js';

describe('StartFailures', () => {
  it('backs off after each failure and gives up after `max` in a row with the first failure as cause', () => {
    const failures = new StartFailures(() => 3);
    const first = new Error('first');
    assert.equal(failures.wait, 0);
    assert.equal(failures.record(first), undefined);
    assert.ok(failures.wait > 0 && failures.wait <= 50, `first backoff ${failures.wait} ms`);
    assert.equal(failures.record(new Error('second')), undefined);
    assert.ok(failures.wait > 50 && failures.wait <= 100, `second backoff ${failures.wait} ms`);
    const fatal = failures.record(new Error('third'));
    assert.ok(fatal instanceof ModuleLoadError);
    assert.equal(fatal.phase, 'pool');
    assert.equal(fatal.cause, first);
    assert.match(fatal.message, /3 times in a row.*first/);
  });

  it("a bound of 1: 'failed to start once'", () => {
    const fatal = new StartFailures(() => 1).record(new Error('only'));
    assert.ok(fatal instanceof ModuleLoadError);
    assert.match(fatal.message, /^Workers failed to start once; the first failure: only$/);
  });

  it('a module that cannot load gives up at once; reset() starts the count over', () => {
    const failures = new StartFailures(() => 5);
    failures.record(new Error('a crash'));
    failures.reset();
    assert.equal(failures.count, 0);
    const load = new ModuleLoadError('no module', '/x.mjs', { phase: 'module' });
    assert.equal(failures.record(load), load);
  });
});
