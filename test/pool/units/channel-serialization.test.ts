// Unit test of channelSerialization (src/pool/runtime-factory.ts): the IPC channel a process worker is forked with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelSerialization } from '../../../src/pool/runtime-factory.js';

describe("a process worker's IPC channel", () => {
  it("is JSON for the serializers whose payloads are values or text ('structured', the default, and 'json')", () => {
    assert.equal(channelSerialization('structured', undefined), 'json');
    assert.equal(channelSerialization('json', {}), 'json');
  });

  it("is Node's 'advanced' one for serializers that make bytes ('cbor', a Serializer module)", () => {
    assert.equal(channelSerialization('cbor', undefined), 'advanced');
    assert.equal(channelSerialization('/abs/my-serializer.js', { execArgv: [] }), 'advanced');
  });

  it('is what fork.serialization says when given', () => {
    assert.equal(channelSerialization('structured', { serialization: 'advanced' }), 'advanced');
    assert.equal(channelSerialization('cbor', { serialization: 'json' }), 'json');
  });
});
