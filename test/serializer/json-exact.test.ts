// Unit tests of jsonExact: true exactly when JSON gives back what a structured clone would.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { jsonExact } from '../../src/serializer/json-exact.js';

const clone = (value: unknown) => deserialize(serialize(value));
const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('jsonExact', () => {
  it('accepts what JSON carries exactly, and JSON then gives back the structured clone', () => {
    const values: unknown[] = [
      'text "quoted" ü 😀 \ud800',
      0,
      -1.5,
      2 ** 60,
      true,
      null,
      [],
      {},
      [1, 'a', [null, { b: [false] }]],
      { a: 1, 2: 'two', nested: { list: [1, 2, 3] } },
      Object.assign(Object.create(null), { n: 1 }),
      Array.from({ length: 1024 }, (_, i) => i),
    ];
    for (const value of values) {
      assert.equal(jsonExact(value), true, JSON.stringify(value)?.slice(0, 40));
      assert.deepEqual(viaJson(value), clone(value));
    }
  });

  it('refuses what JSON would change', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const sparse = [1, , 3];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const shared = { n: 1 };
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    const named = Object.assign([1, 2], { extra: true });
    class Point {
      constructor(readonly x: number) {}
    }
    const cases: [string, unknown][] = [
      ['undefined', undefined],
      ['undefined in an array', [1, undefined]],
      ['undefined in an object', { a: undefined }],
      ['a hole', sparse],
      ['-0', -0],
      ['NaN', Number.NaN],
      ['Infinity', [Number.POSITIVE_INFINITY]],
      ['BigInt', 10n],
      ['Date', new Date(7)],
      ['Map', new Map([[1, 2]])],
      ['Buffer', Buffer.from('hi')],
      ['a class instance', new Point(1)],
      ['a function', () => {}],
      ['a symbol', Symbol('s')],
      ['a __proto__ key', JSON.parse('{"__proto__": 1}')],
      ['a toJSON key', { toJSON: 1 }],
      ['a cycle', cyclic],
      ['one object reached twice (a clone keeps it one object)', { a: shared, b: shared }],
      ['an array with a named property', named],
      ['a RegExp match (index, input, groups)', /b/.exec('abc')],
      ['an array longer than the checked length', Array.from({ length: 1025 }, () => 0)],
      ['70 levels', deep],
    ];
    for (const [name, value] of cases) assert.equal(jsonExact(value), false, name);
  });

  it('the same object in two separate values is fine (one set of seen objects per value)', () => {
    const shared = { n: 1 };
    assert.equal(jsonExact([shared]), true);
    assert.equal(jsonExact({ again: shared }), true);
  });
});
