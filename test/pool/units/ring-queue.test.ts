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

  it('gives the memory of a burst back as it drains, and stays FIFO while it shrinks', () => {
    const q = new RingQueue<number>(16);
    for (let i = 0; i < 100_000; i++) q.push(i);
    assert.equal(q.capacity, 131_072);
    for (let i = 0; i < 99_000; i++) assert.equal(q.shift(), i);
    assert.ok(q.capacity <= 4096, `capacity ${q.capacity} after draining to 1,000`);
    assert.deepEqual([q.peek(), q.atBack(0), q.length], [99_000, 99_999, 1000]);
    for (let i = 99_000; i < 100_000; i++) assert.equal(q.shift(), i);
    assert.equal(q.capacity, 1024, 'never below 1,024 slots once grown past them');
    // a queue that hovers around a quarter of its slots does not resize on every call
    const r = new RingQueue<number>(2048);
    for (let i = 0; i < 2048; i++) r.push(i);
    let head = 0;
    for (let i = 0; i < 10_000; i++) {
      r.push(2048 + i);
      assert.equal(r.shift(), head++);
    }
    assert.equal(r.capacity, 4096);
  });
});
