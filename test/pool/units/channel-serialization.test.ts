// Unit test of channelSerialization (src/pool/runtime-factory.ts): the IPC channel a process worker is forked with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelSerialization } from '../../../src/pool/runtime-factory.js';

describe("a process worker's IPC channel", () => {
  it("is Node's 'advanced' one unless fork.serialization says otherwise (large binary values stay cheap)", () => {
    assert.equal(channelSerialization(undefined), 'advanced');
    assert.equal(channelSerialization({ execArgv: [] }), 'advanced');
  });

  it('is what fork.serialization says when given', () => {
    assert.equal(channelSerialization({ serialization: 'json' }), 'json');
    assert.equal(channelSerialization({ serialization: 'advanced' }), 'advanced');
  });
});
