// Unit tests of the serializer classes: what each one carries, what it refuses (a thrown error the
// pool turns into a SerializationError), and a user class extending the exported Serializer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CborSerializer, JsonSerializer, Serializer, StructuredSerializer } from 'workforcejs';
import { fixture } from '../helpers.js';

const roundTrip = (s: Serializer, value: unknown) => s.decode(s.encode(value));

describe('JsonSerializer', () => {
  const json = new JsonSerializer();

  it('encodes to a string and round-trips booleans, finite numbers, strings, arrays and objects', () => {
    const value = { t: true, f: false, n: 12.5, neg: -3, s: 'héllo "q"', a: [1, 'two', [3], { four: 4 }], o: { nested: { deep: null } } };
    const encoded = json.encode(value);
    assert.equal(typeof encoded, 'string');
    assert.deepEqual(json.decode(encoded), value);
    assert.deepEqual(roundTrip(json, [1, 2, 3]), [1, 2, 3]);
    assert.equal(roundTrip(json, 'text'), 'text');
  });

  it('is lossy the JSON way: Date → ISO string, undefined/NaN/±Infinity → null, -0 → 0, Map → {}', () => {
    const back = roundTrip(json, {
      d: new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6)),
      u: undefined,
      list: [undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0],
      m: new Map([[1, 2]]),
    }) as Record<string, unknown>;
    assert.deepEqual(back, { d: '2020-01-02T03:04:05.006Z', list: [null, null, null, null, 0], m: {} });
    assert.ok(!('u' in back), 'an undefined property is dropped');
    assert.ok(Object.is((back.list as number[])[4], 0));
    assert.equal(roundTrip(json, undefined), null, 'undefined at the root becomes null');
  });

  it('refuses functions and symbols (naming where they are), BigInt and cycles instead of dropping them', () => {
    assert.throws(() => json.encode(() => 1), /function \(at "<root>"\)/);
    assert.throws(() => json.encode({ a: { fn() {} } }), /function \(at "fn"\)/);
    assert.throws(() => json.encode([Symbol('s')]), /symbol/);
    assert.throws(() => json.encode({ big: 1n }), /BigInt/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => json.encode(cycle), /circular/i);
  });

  it('throws on text that is not JSON', () => {
    assert.throws(() => json.decode('{"a":'), SyntaxError);
  });
});

describe('CborSerializer', () => {
  const cbor = new CborSerializer();

  it('encodes to exactly the encoded bytes (not a view of a shared buffer that postMessage would copy whole)', () => {
    const a = cbor.encode({ a: 1 }) as Uint8Array;
    const b = cbor.encode([1, 2, 3]) as Uint8Array;
    assert.ok(a instanceof Uint8Array);
    assert.equal(a.byteOffset, 0);
    assert.equal(a.buffer.byteLength, a.byteLength);
    assert.notEqual(a.buffer, b.buffer);
    assert.deepEqual(cbor.decode(a), { a: 1 }, 'a later encode does not overwrite an earlier result');
  });

  it('round-trips Date, Map, Set, Buffer, undefined, -0, NaN, ±Infinity, RegExp and BigInt', () => {
    const date = new Date(Date.UTC(2021, 5, 7, 8, 9, 10, 11));
    const back = roundTrip(cbor, {
      date,
      map: new Map<unknown, unknown>([
        [1, 'one'],
        ['k', { deep: [1, 2] }],
        [true, null],
      ]),
      set: new Set<unknown>([1, 'two', 3n]),
      buffer: Buffer.from('héllo'),
      undef: undefined,
      negZero: -0,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      negInf: Number.NEGATIVE_INFINITY,
      regexp: /^a.c$/gim,
      big: 2n ** 70n,
      negBig: -(2n ** 64n) - 1n,
      small: 42n,
    }) as Record<string, any>;
    assert.ok(back.date instanceof Date);
    assert.equal(back.date.getTime(), date.getTime());
    assert.ok(back.map instanceof Map);
    assert.deepEqual(
      [...back.map],
      [
        [1, 'one'],
        ['k', { deep: [1, 2] }],
        [true, null],
      ],
    );
    assert.ok(back.set instanceof Set);
    assert.deepEqual([...back.set], [1, 'two', 3n]);
    assert.ok(Buffer.isBuffer(back.buffer), `a Buffer, got ${back.buffer?.constructor?.name}`);
    assert.equal(back.buffer.toString(), 'héllo');
    assert.ok('undef' in back);
    assert.equal(back.undef, undefined);
    assert.ok(Object.is(back.negZero, -0), `-0 arrived as ${back.negZero}`);
    assert.ok(Number.isNaN(back.nan));
    assert.equal(back.inf, Number.POSITIVE_INFINITY);
    assert.equal(back.negInf, Number.NEGATIVE_INFINITY);
    assert.ok(back.regexp instanceof RegExp);
    assert.equal(back.regexp.source, '^a.c$');
    assert.equal(back.regexp.flags, 'gim');
    assert.equal(back.big, 2n ** 70n);
    assert.equal(back.negBig, -(2n ** 64n) - 1n);
    assert.equal(back.small, 42n);
  });

  it('each of those types also round-trips alone, at the root', () => {
    assert.equal(roundTrip(cbor, undefined), undefined);
    assert.ok(Object.is(roundTrip(cbor, -0), -0));
    assert.ok(Number.isNaN(roundTrip(cbor, Number.NaN)));
    assert.equal(roundTrip(cbor, Number.NEGATIVE_INFINITY), Number.NEGATIVE_INFINITY);
    assert.equal(roundTrip(cbor, 2n ** 100n), 2n ** 100n);
    assert.equal((roundTrip(cbor, new Date(0)) as Date).getTime(), 0);
    assert.equal(String(roundTrip(cbor, /x/y)), '/x/y');
    assert.deepEqual(roundTrip(cbor, new Set([new Map([['a', 1]])])), new Set([new Map([['a', 1]])]));
    assert.deepEqual(roundTrip(cbor, Buffer.from([0, 255])), Buffer.from([0, 255]));
  });

  it('a -0 anywhere keeps -0 while every other number stays exact (integers, floats, big ones)', () => {
    const numbers = [0, 1, -1, 23, 24, 255, 256, -300, 2 ** 31, 2 ** 40 + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1, 1e-300, 1e300];
    const back = roundTrip(cbor, { deep: [{ z: -0 }], numbers }) as { deep: [{ z: number }]; numbers: number[] };
    assert.ok(Object.is(back.deep[0].z, -0));
    assert.deepEqual(back.numbers, numbers);
    assert.ok(Object.is((roundTrip(cbor, new Map([['k', -0]])) as Map<string, number>).get('k'), -0));
  });

  it('typed arrays keep their type; plain objects stay plain; object and array cycles survive', () => {
    const back = roundTrip(cbor, { u8: new Uint8Array([1, 2]), f64: new Float64Array([1.5, -2]), i32: new Int32Array([-7]) }) as Record<string, unknown>;
    assert.deepEqual(back, { u8: new Uint8Array([1, 2]), f64: new Float64Array([1.5, -2]), i32: new Int32Array([-7]) });
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    const cycle: Record<string, unknown> = { name: 'a' };
    cycle.self = cycle;
    cycle.list = [cycle];
    const c = roundTrip(cbor, cycle) as Record<string, any>;
    assert.equal(c.self, c);
    assert.equal(c.list[0], c);
  });

  it('decodes the plain Uint8Array postMessage delivers: byte strings still come out as Buffers', () => {
    const copy = new Uint8Array(cbor.encode({ b: Buffer.from('xy') }) as Uint8Array);
    const back = cbor.decode(copy) as { b: Buffer };
    assert.ok(Buffer.isBuffer(back.b));
    assert.equal(back.b.toString(), 'xy');
  });

  it('refuses functions and symbols anywhere (cbor-x would send undefined), and truncated data', () => {
    assert.throws(() => cbor.encode(() => 1), /function cannot be encoded as CBOR/);
    assert.throws(() => cbor.encode({ a: [1, { f() {} }] }), /function/);
    assert.throws(() => cbor.encode(new Map([['k', Symbol('s')]])), /symbol/);
    assert.throws(() => cbor.encode(new Map([[Symbol('k'), 1]])), /symbol/);
    assert.throws(() => cbor.encode(new Set([() => 2])), /function/);
    const bytes = cbor.encode({ text: 'a long enough string' }) as Uint8Array;
    assert.throws(() => cbor.decode(bytes.subarray(0, 5)));
  });
});

describe('StructuredSerializer', () => {
  it('passes values through untouched: the transport clones them', () => {
    const s = new StructuredSerializer();
    const value = { fn: () => 1, m: new Map() };
    assert.equal(s.encode(value), value);
    assert.equal(s.decode(value), value);
  });
});

describe('Serializer (user classes)', () => {
  it('is the exported base class every serializer extends', () => {
    for (const s of [new JsonSerializer(), new CborSerializer(), new StructuredSerializer()]) assert.ok(s instanceof Serializer);
  });

  it('a subclass with encode/decode is a serializer (the Workestrator way)', () => {
    class Reversed extends Serializer {
      encode(data: unknown): string {
        return [...JSON.stringify(data)].reverse().join('');
      }
      decode(data: unknown): unknown {
        return JSON.parse([...(data as string)].reverse().join(''));
      }
    }
    const s = new Reversed();
    assert.ok(s instanceof Serializer);
    assert.equal(s.encode({ a: 1 }), '}1:"a"{');
    assert.deepEqual(roundTrip(s, { a: [1, 'b'] }), { a: [1, 'b'] });
  });

  it('the ser-custom fixture: tagged text, Dates revived, a decode failure on demand', async () => {
    const { default: Custom } = (await import(fixture('ser-custom.mjs'))) as { default: new () => Serializer };
    const s = new Custom();
    assert.ok(s instanceof Serializer, 'extends the Serializer exported by workforce');
    const encoded = s.encode({ when: new Date(5) });
    assert.equal(encoded, 'ser-custom:{"when":{"$date":"1970-01-01T00:00:00.005Z"}}');
    const back = s.decode(encoded) as { when: Date };
    assert.ok(back.when instanceof Date);
    assert.equal(back.when.getTime(), 5);
    assert.throws(() => s.decode(s.encode({ $refuse: true })), /refuses to decode/);
    assert.throws(() => s.decode('plain text'), /not ser-custom data/);
    assert.throws(() => s.encode({ f: () => 1 }), /cannot encode a function/);
  });
});
