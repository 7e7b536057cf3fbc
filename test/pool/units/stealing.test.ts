// Unit test of steal (src/pool/stealing.ts): an idle worker takes a queued task from the busiest queue, affinity permitting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { steal } from '../../../src/pool/stealing.js';
import type { Task } from '../../../src/pool/task.js';
import { task, worker } from './handles.js';

describe('steal', () => {
  it('takes from the tail of the longest queue and counts it on the victim', () => {
    const thief = worker(1);
    const short = worker(2, { queued: 1 });
    const long = worker(3, { queued: 3 });
    const tail = long.queue.atBack(0);
    assert.equal(steal(thief, [thief, short, long], 4), tail);
    assert.equal(long.stolen, 1);
  });

  it("never takes a 'force' task, a 'strong' one only past the threshold, and skips stale entries", () => {
    const thief = worker(1);
    const victim = worker(2);
    const add = (t: Task<number, number>) => {
      t.owner = victim;
      victim.queue.push(t);
      victim.queued++;
      return t;
    };
    add(task(2, 'force'));
    assert.equal(steal(thief, [thief, victim], 0), undefined, 'force stays');
    const strong = add(task(2, 'strong'));
    assert.equal(steal(thief, [thief, victim], 2), undefined, 'imbalance 2 is not more than 2');
    assert.equal(steal(thief, [thief, victim], 1), strong, 'imbalance 2 is more than 1');
    const stale = add(task());
    stale.owner = thief; // moved elsewhere already: its reference here is stale
    assert.equal(steal(thief, [thief, victim], 1), strong, 'the stale entry at the tail is skipped');
  });

  it('no victim: nothing to steal', () => {
    const thief = worker(1);
    assert.equal(steal(thief, [thief, worker(2)], 4), undefined);
  });
});
