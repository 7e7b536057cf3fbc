// Unit test of IdTable (src/util/id-table.ts): the table of calls in flight a module worker keeps by call id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdTable } from '../../src/util/id-table.js';

describe('IdTable', () => {
  it('gives back each value once, by its id, whatever order they are taken in', () => {
    const table = new IdTable<string>();
    for (let id = 1; id <= 100; id++) table.set(id, `v${id}`);
    assert.equal(table.size, 100);
    for (let id = 100; id >= 1; id -= 2) assert.equal(table.take(id), `v${id}`);
    for (let id = 1; id <= 100; id += 2) assert.equal(table.take(id), `v${id}`);
    assert.equal(table.size, 0);
    assert.equal(table.take(5), undefined);
  });

  it('keeps an old id that outlives the ring (a long call) while many newer ones come and go', () => {
    const table = new IdTable<number>();
    table.set(1, 1);
    // ids far past the ring's width land on slot 1's neighbours, and on slot 1 itself
    for (let id = 2; id < 200_000; id++) {
      table.set(id, id);
      assert.equal(table.take(id), id);
    }
    assert.equal(table.size, 1);
    assert.deepEqual(table.entries(), [[1, 1]]);
    assert.equal(table.take(1), 1);
    assert.equal(table.size, 0);
  });

  it('stores undefined values and tells them from missing ids', () => {
    const table = new IdTable<undefined>();
    table.set(1, undefined);
    for (let id = 2; id < 40; id++) table.set(id, undefined);
    assert.equal(table.size, 39);
    assert.equal(table.take(1), undefined);
    assert.equal(table.size, 38);
    assert.equal(table.take(1), undefined);
    assert.equal(table.size, 38);
  });

  it('never finds ids it was not given: negative, fractional, NaN, strings (a worker may send anything)', () => {
    const table = new IdTable<string>();
    for (let id = 1; id <= 8; id++) table.set(id, `v${id}`);
    for (const bad of [-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40 + 1, '3' as unknown as number]) assert.equal(table.take(bad), undefined);
    assert.equal(table.size, 8);
  });

  it('lists entries oldest first, overflowed ones included, and finds one by its value', () => {
    const table = new IdTable<string>();
    const held = [1, 2, 3];
    for (const id of held) table.set(id, `held${id}`);
    for (let id = 4; id < 70_000; id++) {
      table.set(id, `v${id}`);
      if (id % 1000 !== 0) table.take(id);
    }
    const entries = table.entries();
    assert.equal(entries.length, table.size);
    assert.deepEqual(
      entries.map(([id]) => id),
      entries.map(([id]) => id).sort((a, b) => a - b),
    );
    assert.deepEqual(entries.slice(0, 3), [
      [1, 'held1'],
      [2, 'held2'],
      [3, 'held3'],
    ]);
    assert.equal(
      table.findId((v) => v === 'v5000'),
      5000,
    );
    assert.equal(
      table.findId((v) => v === 'nope'),
      undefined,
    );
    table.clear();
    assert.equal(table.size, 0);
    assert.deepEqual(table.entries(), []);
  });
});
