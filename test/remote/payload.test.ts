// Unit tests of what a remote call stores in its job (no Redis): the versioned call layout and the
// payload kinds. A JSON-exact value under the built-in 'cbor' serializer is stored as 'j' + JSON
// (the same value comes back); anything JSON would change still goes through CBOR.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerializationError } from '../../src/errors/serialization-error.js';
import { CALL_VERSION, callData, readCall } from '../../src/remote/job-data.js';
import { decodePayload, encodePayload } from '../../src/remote/payload.js';
import { CborSerializer } from '../../src/serializer/cbor.js';
import { JsonSerializer } from '../../src/serializer/json.js';
import { jsonExact } from '../../src/serializer/json-exact.js';

const cbor = new CborSerializer();
const json = new JsonSerializer();
const LIMIT = 1024 * 1024;
/** Stored the way a producer under 'cbor' stores it, and read back. */
const stored = (value: unknown, limit = LIMIT) => encodePayload(cbor, value, limit, 'value', true);
const back = (text: string) => decodePayload(cbor, text, 'value');

describe('remote payloads', () => {
  it("JSON-exact values are stored as 'j' + JSON and come back equal", () => {
    for (const value of [
      [1, 'a', true, null],
      0,
      -1.5,
      2 ** 60,
      1e300,
      'text "quoted" ü 😀',
      { a: [1, { b: null }], c: 'x', d: false },
      Object.assign(Object.create(null), { n: 1 }),
      [],
      {},
      [[[[]]]],
    ]) {
      const text = stored(value);
      assert.equal(text[0], 'j', JSON.stringify(value));
      assert.equal(text, `j${JSON.stringify(value)}`);
      // (a null-prototype object comes back as a plain one, as from CBOR)
      assert.deepEqual(back(text), structuredClone(value));
    }
    // a lone surrogate survives (JSON escapes it)
    assert.equal(back(stored('\ud800x')), '\ud800x');
  });

  it('values JSON would change go through CBOR and keep their type', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    // biome-ignore lint/suspicious/noSparseArray: a hole on purpose
    const sparse = [1, , 3];
    const cases: [string, unknown][] = [
      ['-0', -0],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['undefined', undefined],
      ['undefined in an array', [1, undefined]],
      ['undefined in an object', { a: undefined }],
      ['a hole', sparse],
      ['BigInt', 2n ** 70n],
      ['Date', new Date(7)],
      ['Map', new Map([['k', 1]])],
      ['Set', new Set([1])],
      ['Buffer', Buffer.from('hi')],
      ['a class instance', new Point(1)],
      ['a __proto__ key', JSON.parse('{"__proto__": 1}')],
      ['-0 deep inside', { a: [{ b: -0 }] }],
      ['a cycle', cyclic],
      ['70 levels', deep],
    ];
    for (const [name, value] of cases) {
      assert.equal(jsonExact(value), false, name);
      const text = stored(value);
      assert.equal(text[0], 'b', name);
      // exactly what CBOR alone gives back (e.g. cbor-x renames a __proto__ key)
      assert.deepEqual(back(text), cbor.decode(cbor.encode(value)), name);
    }
    assert.ok(back(stored(new Date(7))) instanceof Date);
    assert.equal(back(stored(2n ** 70n)), 2n ** 70n);
    assert.ok(Object.is(back(stored(-0)), -0));
    assert.ok(Object.is((back(stored({ a: [{ b: -0 }] })) as { a: [{ b: number }] }).a[0].b, -0));
  });

  it("without plainJson (the 'json' serializer, a custom one) nothing is stored as 'j'", () => {
    assert.equal(encodePayload(json, [1, 'a'], LIMIT, 'value'), 's[1,"a"]');
    assert.equal(encodePayload(cbor, [1], LIMIT, 'value')[0], 'b');
  });

  it("a 'j' payload stays within the limit; JSON over it goes through CBOR, whose size the limit judges (as before)", () => {
    assert.equal(stored('x'.repeat(97), 100), `j"${'x'.repeat(97)}"`);
    assert.equal(stored('é'.repeat(32), 100)[0], 'j', '66 bytes of JSON');
    // 17 characters of JSON, 10 bytes of CBOR: stored as CBOR under a limit of 12
    assert.equal(stored([0.1234567891234], 12)[0], 'b');
    assert.deepEqual(back(stored([0.1234567891234], 12)), [0.1234567891234]);
    // over the limit in both: the error names CBOR's size
    assert.throws(
      () => stored('x'.repeat(99), 100),
      (e: unknown) => e instanceof SerializationError && /101 bytes encoded, over the limit of 100/.test(e.message),
    );
    assert.throws(
      () => stored('é'.repeat(60), 100),
      (e: unknown) => e instanceof SerializationError && /122 bytes encoded/.test(e.message),
    );
  });

  it('a stored text that is not a payload is a SerializationError', () => {
    for (const bad of ['', 'x12', 'j{', 'j', 5, null]) assert.throws(() => back(bad as string), SerializationError, String(bad));
  });

  it('a call of another layout version is refused, not guessed', () => {
    const data = callData('m', false, 'cbor', stored([1]), LIMIT);
    assert.equal(data.v, CALL_VERSION);
    assert.equal(CALL_VERSION, 2);
    assert.deepEqual(readCall(JSON.parse(JSON.stringify(data))), data);
    assert.throws(
      () => readCall({ ...data, v: 1 }),
      (e: unknown) => e instanceof SerializationError && /another version/.test(e.message),
    );
  });
});
