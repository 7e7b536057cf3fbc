// Unit test of leastBusy (src/pool/least-busy.ts): the scheduler's choice of a worker for a call without affinity.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leastBusy } from '../../../src/pool/least-busy.js';
import { WorkerHandle } from '../../../src/pool/worker-handle.js';
import { worker } from './handles.js';

describe('leastBusy', () => {
  it('prefers a worker with an idle slot, then the lowest expected drain time', () => {
    const busy = worker(1, { running: 1 });
    const idleSlow = worker(2, { meanRunTime: 10 });
    const idleFast = worker(3, { meanRunTime: 1 });
    assert.equal(leastBusy([busy, idleSlow, idleFast], 0, 0), idleFast);
    assert.equal(leastBusy([busy, idleSlow], 0, 0), idleSlow, 'an idle slot beats a saturated worker, however slow');
  });

  it('skips workers that do not accept tasks and pinned ones; none: undefined', () => {
    const retiring = worker(1);
    retiring.moveTo('retiring');
    const pinned = new WorkerHandle<number, number>('main', Number.POSITIVE_INFINITY, true);
    pinned.moveTo('ready');
    assert.equal(leastBusy([retiring, pinned], 0, 0), undefined);
    const starting = worker(2, { state: 'starting' });
    assert.equal(leastBusy([retiring, pinned, starting], 0, 0), starting, 'a starting worker takes tasks into its queue');
  });

  it('among equals, the scan starts at `start` (round robin)', () => {
    const hs = [worker(1), worker(2), worker(3)];
    assert.deepEqual(
      [0, 1, 2, 3].map((start) => leastBusy(hs, 0, start)?.id),
      [1, 2, 3, 1],
    );
  });

  it('workers without history are weighed by the pool mean', () => {
    const known = worker(1, { running: 0, queued: 0, meanRunTime: 5 });
    const fresh = worker(2, { queued: 0 });
    assert.equal(leastBusy([known, fresh], 1, 0), fresh, 'pool mean 1 ms < 5 ms');
    assert.equal(leastBusy([known, fresh], 50, 0), known, 'pool mean 50 ms > 5 ms');
  });
});
