// Unit test of RingQueue (src/pool/ring-queue.ts): the FIFO of every worker queue and the backlog.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RingQueue } from '../../../src/pool/ring-queue.js';

describe('RingQueue', () => {
  it('is FIFO across growth and wrap-around; at/atBack/peek/drain', () => {
    const q = new RingQueue<number>(2);
    const model: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < (round % 7) + 1; i++) {
        q.push(next);
        model.push(next++);
      }
      for (let i = 0; i < round % 5; i++) assert.equal(q.shift(), model.shift());
      assert.equal(q.length, model.length);
      assert.equal(q.peek(), model[0]);
      assert.equal(q.at(0), model[0]);
      assert.equal(q.atBack(0), model[model.length - 1]);
      assert.equal(q.at(model.length), undefined);
      assert.equal(q.at(-1), undefined);
    }
    assert.deepEqual(q.drain(), model);
    assert.equal(q.length, 0);
    assert.equal(q.shift(), undefined);
    assert.equal(q.peek(), undefined);
  });
});
