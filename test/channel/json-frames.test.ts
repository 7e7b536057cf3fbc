// Unit tests of the frame codec of JSON process channels: what goes on the wire (after Node's own
// JSON.stringify / JSON.parse) comes back as a structured clone of the frame, and a message that
// claims an encoding but does not decode is handed on unchanged (for the protocol to refuse).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { decodeJsonFrame, encodeJsonFrame, frameCoding } from '../../src/channel/json-frames.js';

/** What the other side of a JSON IPC channel gets for `frame`. */
const overTheWire = (frame: unknown) => decodeJsonFrame(JSON.parse(JSON.stringify(encodeJsonFrame(frame))));
const clone = (value: unknown) => deserialize(serialize(value));

describe('JSON channel frames', () => {
  it('a frame JSON carries exactly is sent as it is', () => {
    const frame = [1, 7, 'method', [1, 'a', { b: [null] }], 0, 8, null, [], 1];
    assert.equal(encodeJsonFrame(frame), frame);
    assert.deepEqual(overTheWire(frame), frame);
  });

  it('top-level undefined slots come back undefined (a call that returned nothing)', () => {
    const frame = [3, null, 1, 0, undefined, 2, 0, 'x', 3, 0, undefined];
    const sent = encodeJsonFrame(frame) as unknown[];
    assert.equal(sent[0], '\u0000undefined');
    const back = overTheWire(frame) as unknown[];
    assert.equal(back.length, frame.length);
    assert.deepEqual(back, frame);
    assert.ok(4 in back && back[4] === undefined && back[1] === null);
  });

  it('anything else goes V8-serialized, and arrives as the structured clone would', () => {
    const shared = { n: 1 };
    const frames: unknown[][] = [
      [1, 1, null, [new Map([[1, { d: new Date(5) }]])], 0],
      [1, 1, null, [Buffer.from('bytes'), new Uint16Array([1, 2])], 0],
      [1, 1, null, [10n, -0, Number.NaN, [1, undefined]], 0],
      [1, 1, null, [{ a: shared, b: shared }], 0],
      [1, 1, null, [/b/.exec('abc')], 0],
    ];
    for (const frame of frames) {
      const sent = encodeJsonFrame(frame) as unknown[];
      assert.equal(sent[0], '\u0000v8');
      assert.deepEqual(overTheWire(frame), clone(frame));
    }
    const back = overTheWire(frames[3]) as [unknown, unknown, unknown, [{ a: object; b: object }]];
    assert.equal(back[3][0].a, back[3][0].b, 'one object stays one object');
    assert.ok(Buffer.isBuffer((overTheWire(frames[1]) as unknown[][])[3][0]));
  });

  it('a getter that sends a frame of its own while one is checked does not disturb either check', () => {
    const inner = { n: 1 };
    let nested: unknown;
    const outer = {
      get field() {
        // the inner frame holds `inner` once: exact on its own, whatever the outer check has seen
        nested = encodeJsonFrame([5, 'type', { a: inner }]);
        return inner;
      },
    };
    const sent = encodeJsonFrame([1, 1, null, [outer, inner], 0]) as unknown[];
    assert.deepEqual(nested, [5, 'type', { a: inner }], 'the inner frame went as JSON');
    assert.equal(sent[0], '\u0000v8', 'the outer frame holds `inner` twice: V8-serialized');
    assert.deepEqual(encodeJsonFrame([1, 2, null, [{ a: inner }], 0]), [1, 2, null, [{ a: inner }], 0], 'the next frame starts from nothing seen');
  });

  it('what V8 cannot serialize throws at encode, as a structured clone would', () => {
    assert.throws(() => encodeJsonFrame([1, 1, null, [() => {}], 0]), /could not be cloned/);
  });

  it('a frame that itself starts with a mark is V8-serialized, not taken for an encoded one', () => {
    for (const mark of ['\u0000v8', '\u0000undefined']) {
      const frame = [mark, [0], [1, 2, 3]];
      assert.deepEqual(overTheWire(frame), frame);
    }
  });

  it('a message claiming an encoding that does not decode is handed on unchanged', () => {
    const bad: unknown[] = [
      ['\u0000v8', 'not base64 of anything V8 wrote'],
      ['\u0000v8', 42],
      ['\u0000undefined', [99], [1, 2]],
      ['\u0000undefined', [-1], [1]],
      ['\u0000undefined', ['0'], [1]],
      ['\u0000undefined', 0, [1]],
      ['\u0000undefined', [0], 'frame'],
      'text',
      null,
      { op: 1 },
    ];
    for (const message of bad) assert.deepEqual(decodeJsonFrame(message), message);
  });

  it("frameCoding: an 'advanced' channel's frames go as they are; a JSON channel's are encoded and decoded", () => {
    const frame = [2, 1, new Date(3), undefined];
    const plain = frameCoding(false);
    assert.equal(plain.encode(frame), frame);
    const listener = (_: unknown) => {};
    assert.equal(plain.receiver(listener), listener, 'no wrapper on the advanced channel');
    const json = frameCoding(true);
    const got: unknown[] = [];
    json.receiver((m) => got.push(m))(JSON.parse(JSON.stringify(json.encode(frame))));
    assert.deepEqual(got, [frame]);
  });
});
