// Unit test of FeedGate (src/pool/sources/feed-gate.ts): the bound on calls fed from an input source.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeedGate } from '../../../src/pool/sources/feed-gate.js';

describe('FeedGate', () => {
  it('grants slots while pending + reserved < bound, then serves waiters in order as slots free', () => {
    let pending = 0;
    const gate = new FeedGate(
      () => 2,
      () => pending,
    );
    const granted: string[] = [];
    gate.reserve((ok) => granted.push(`a:${ok}`));
    gate.reserve((ok) => granted.push(`b:${ok}`));
    gate.reserve((ok) => granted.push(`c:${ok}`));
    gate.reserve((ok) => granted.push(`d:${ok}`));
    assert.deepEqual(granted, ['a:true', 'b:true']);
    assert.equal(gate.reserved, 2);
    gate.spend(); // a's item becomes a pool call
    pending = 1;
    gate.wake();
    assert.deepEqual(granted, ['a:true', 'b:true'], 'a spent slot is still taken (by the pending call)');
    gate.release(); // b gives its slot back: c gets it
    assert.deepEqual(granted, ['a:true', 'b:true', 'c:true']);
    pending = 0;
    gate.wake();
    assert.deepEqual(granted, ['a:true', 'b:true', 'c:true', 'd:true']);
  });

  it('a cancelled waiter is skipped; stop() turns waiters and later feeds away and tells onStop listeners once', () => {
    const gate = new FeedGate(
      () => 1,
      () => 0,
    );
    const granted: string[] = [];
    gate.reserve((ok) => granted.push(`a:${ok}`));
    const cancel = gate.reserve((ok) => granted.push(`b:${ok}`));
    gate.reserve((ok) => granted.push(`c:${ok}`));
    cancel();
    let stops = 0;
    const off = gate.onStop(() => stops++);
    gate.stop();
    gate.stop();
    assert.deepEqual(granted, ['a:true', 'c:false']);
    assert.equal(stops, 1);
    assert.equal(gate.stopped, true);
    gate.reserve((ok) => granted.push(`d:${ok}`));
    assert.deepEqual(granted, ['a:true', 'c:false', 'd:false']);
    off();
  });
});
