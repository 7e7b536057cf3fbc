// Unit test of WorkerHandle.window (src/pool/worker-handle.ts): how many calls are sent ahead to a pipelined worker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkerHandle } from '../../../src/pool/worker-handle.js';

/** A ready handle whose pool's mean call time is `mean` ms, with pipelining enabled up to `prefetch`. */
function handle(mean: number, { prefetch = 1024, concurrency = 1 } = {}) {
  const pace = { meanRunTime: mean };
  const h = new WorkerHandle<number, number>(1, concurrency, false, Number.POSITIVE_INFINITY, pace);
  h.moveTo('ready');
  h.enablePipelining(prefetch);
  return h;
}

describe('the pipelining window', () => {
  it('is closed until a call has been timed, and for calls of 1 ms or more', () => {
    assert.equal(handle(0).window, 0, 'no call timed yet: nothing is sent ahead (slow start)');
    assert.equal(handle(1).window, 0);
    assert.equal(handle(25).window, 0);
  });

  it('holds about 2 ms of calls per slot at the mean call time, at least 8', () => {
    assert.equal(handle(0.1).window, 20);
    assert.equal(handle(0.01).window, 200);
    assert.equal(handle(0.5).window, 8, 'never fewer than 8 (the mean includes the round trip)');
    assert.equal(handle(0.9).window, 8);
    assert.equal(handle(0.1, { concurrency: 4 }).window, 80, 'per slot: four slots, four times the calls');
  });

  it('never more than prefetch; prefetch 0 disables it', () => {
    assert.equal(handle(0.0001).window, 1024);
    assert.equal(handle(0.001, { prefetch: 64 }).window, 64);
    assert.equal(handle(0.5, { prefetch: 4 }).window, 4, 'prefetch caps the minimum too');
    assert.equal(handle(0.001, { prefetch: 0 }).window, 0);
  });

  it('follows the pool pace as it changes', () => {
    const pace = { meanRunTime: 0.01 };
    const h = new WorkerHandle<number, number>(1, 1, false, Number.POSITIVE_INFINITY, pace);
    h.enablePipelining(1024);
    assert.equal(h.window, 200);
    pace.meanRunTime = 0.1;
    assert.equal(h.window, 20, 'calls grew longer: fewer are sent ahead');
    pace.meanRunTime = 3;
    assert.equal(h.window, 0, 'long calls: none');
  });
});
