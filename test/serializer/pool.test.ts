// Serializers in real pools, in both runtimes: what each one carries to the worker and back (as
// the worker sees it, not only as it comes back), a user Serializer class loaded from a module
// path, and serialization failures that reject only their own task while the worker keeps serving.
// (test/pool/bad-input.test.ts checks one bad call at a time for the built-in serializers.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createPool, ModuleLoadError, type ModulePool, type PoolOptions, SerializationError } from 'workforcejs';
import { fixture, RUNTIMES } from '../helpers.js';

const MODULE = fixture('ser-worker.mjs');
const CUSTOM = fixture('ser-custom.mjs');

type Runtime = (typeof RUNTIMES)[number];

interface Who {
  workerId: number;
  threadId: number;
  pid: number;
}

function make(runtime: Runtime, options: Partial<PoolOptions>): ModulePool {
  // plain-JS fixtures: workers need not load the test runner's tsx
  return createPool({ module: MODULE, runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] }, ...options });
}

const DATE = new Date(Date.UTC(2021, 5, 7, 8, 9, 10, 11));
const ISO = '2021-06-07T08:09:10.011Z';

/** The CBOR type matrix, as arguments, and what the worker must see for each. */
function matrix(): [unknown, string][] {
  return [
    [new Date(DATE), `Date:${ISO}`],
    [
      new Map<unknown, unknown>([
        [1, 'one'],
        ['k', [true]],
      ]),
      'Map:[["number",1,"one"],["string","k",[true]]]',
    ],
    [new Set([1, 'two']), 'Set:[1,"two"]'],
    [Buffer.from('héllo'), `Buffer:${Buffer.from('héllo').toString('hex')}`],
    [undefined, 'undefined'],
    [-0, 'number:-0'],
    [Number.NaN, 'number:NaN'],
    [Number.POSITIVE_INFINITY, 'number:Infinity'],
    [Number.NEGATIVE_INFINITY, 'number:-Infinity'],
    [/^a.c$/gim, 'RegExp:/^a.c$/gim'],
    [2n ** 70n, `bigint:${2n ** 70n}`],
    [-(2n ** 64n) - 1n, `bigint:${-(2n ** 64n) - 1n}`],
    [{ nested: { list: [1, 'x', null] } }, 'Object:{"nested":{"list":[1,"x",null]}}'],
  ];
}

/** `back` is the value matrix() sent, type and content. */
function assertMatrix(back: unknown[], { buffers }: { buffers: boolean }): void {
  const [date, map, set, buffer, undef, negZero, nan, inf, negInf, regexp, big, negBig, object] = back as any[];
  assert.ok(date instanceof Date && date.toISOString() === ISO, `Date: ${date}`);
  assert.ok(map instanceof Map);
  assert.deepEqual(
    [...map],
    [
      [1, 'one'],
      ['k', [true]],
    ],
  );
  assert.ok(set instanceof Set);
  assert.deepEqual([...set], [1, 'two']);
  assert.ok(buffer instanceof Uint8Array);
  if (buffers) assert.ok(Buffer.isBuffer(buffer), `a Buffer, got a ${buffer.constructor.name}`);
  assert.equal(Buffer.from(buffer).toString(), 'héllo');
  assert.equal(undef, undefined);
  assert.equal(back.length, 13, 'undefined kept its place');
  assert.ok(Object.is(negZero, -0), `-0 came back as ${negZero}`);
  assert.ok(Number.isNaN(nan));
  assert.equal(inf, Number.POSITIVE_INFINITY);
  assert.equal(negInf, Number.NEGATIVE_INFINITY);
  assert.ok(regexp instanceof RegExp && regexp.source === '^a.c$' && regexp.flags === 'gim', `RegExp: ${regexp}`);
  assert.equal(big, 2n ** 70n);
  assert.equal(negBig, -(2n ** 64n) - 1n);
  assert.deepEqual(object, { nested: { list: [1, 'x', null] } });
}

/**
 * Several calls sent in the same tick (one message to the worker) where some cannot be encoded,
 * sent or decoded: exactly those reject with SerializationError, the others resolve, and the same
 * worker serves on.
 */
async function onlyBadTasksFail(pool: ModulePool, bad: { arg: unknown; result: string; workerDecode?: unknown }): Promise<void> {
  const before = await pool.runMethod<Who>('whoami');
  const failedBefore = pool.stats.failed;
  const calls = [
    pool.run('a'),
    pool.run(bad.arg),
    pool.run('b'),
    pool.runMethod(bad.result),
    pool.runMethod('details', 'c'),
    ...(bad.workerDecode === undefined ? [] : [pool.run(bad.workerDecode), pool.run('d')]),
  ];
  const outcomes = await Promise.allSettled(calls);
  const expectBad = new Set(bad.workerDecode === undefined ? [1, 3] : [1, 3, 5]);
  outcomes.forEach((o, i) => {
    if (expectBad.has(i)) {
      assert.equal(o.status, 'rejected', `call ${i} should fail`);
      const reason = (o as PromiseRejectedResult).reason;
      assert.ok(reason instanceof SerializationError, `call ${i}: expected SerializationError, got ${reason}`);
    } else {
      assert.equal(o.status, 'fulfilled', `call ${i} should succeed: ${(o as PromiseRejectedResult).reason}`);
    }
  });
  const values = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<unknown>).value);
  assert.deepEqual(values, ['a', 'b', ['string:c'], ...(bad.workerDecode === undefined ? [] : ['d'])]);
  assert.equal(pool.stats.failed - failedBefore, expectBad.size);
  assert.deepEqual(await pool.runMethod<Who>('whoami'), before, 'the same worker serves on');
  assert.equal(pool.stats.workers, 1);
}

for (const runtime of RUNTIMES) {
  describe(`serializer 'cbor' (${runtime})`, () => {
    let pool: ModulePool;
    before(() => {
      pool = make(runtime, { serializer: 'cbor' });
    });
    after(() => pool.close());

    it('the worker receives Date, Map, Set, Buffer, undefined, -0, NaN, ±Infinity, RegExp and BigInt as themselves', async () => {
      const sent = matrix();
      assert.deepEqual(
        await pool.runMethod('details', ...sent.map(([v]) => v)),
        sent.map(([, seen]) => seen),
      );
    });

    it('and they come back as themselves', async () => {
      assertMatrix(await pool.run<unknown[]>(matrix().map(([v]) => v)), { buffers: true });
      const made = await pool.runMethod<Date>('makeDate', ISO);
      assert.ok(made instanceof Date && made.getTime() === DATE.getTime(), 'a Date built in the worker');
      assert.equal(await pool.runMethod('returnsBigInt'), 2n ** 70n);
      const cycle = await pool.runMethod<Record<string, unknown>>('returnsCircular');
      assert.equal(cycle.self, cycle);
    });

    it('a failure rejects only its own task: the others sent with it resolve, the worker serves on', async () => {
      await onlyBadTasksFail(pool, { arg: { nested: [Symbol('s')] }, result: 'returnsFunction' });
    });
  });

  describe(`serializer 'json' (${runtime})`, () => {
    let pool: ModulePool;
    before(() => {
      pool = make(runtime, { serializer: 'json' });
    });
    after(() => pool.close());

    it('plain data round-trips; other types arrive the JSON way in the worker and back', async () => {
      const plain = { s: 'x', n: 1.5, b: false, a: [1, [2]], o: { p: null } };
      assert.deepEqual(await pool.run(plain), plain);
      assert.deepEqual(await pool.runMethod('details', new Date(DATE), undefined, -0, Number.NaN, new Map([[1, 2]]), [undefined]), [
        `string:${ISO}`,
        'null',
        'number:0',
        'null',
        'Object:{}',
        'Array:[null]',
      ]);
      assert.equal(await pool.runMethod('makeDate', ISO), ISO, 'a Date result arrives as its ISO string');
    });

    it('BigInt and cycles are refused both ways as SerializationError', async () => {
      await assert.rejects(pool.run(1n), SerializationError);
      await assert.rejects(pool.runMethod('returnsBigInt'), (e: SerializationError) => e instanceof SerializationError && /BigInt/.test(e.message));
      await assert.rejects(pool.runMethod('returnsCircular'), (e: SerializationError) => e instanceof SerializationError && /circular/i.test(e.message));
      assert.equal(await pool.run('still serving'), 'still serving');
    });

    it('a failure rejects only its own task: the others sent with it resolve, the worker serves on', async () => {
      await onlyBadTasksFail(pool, { arg: { big: 10n }, result: 'returnsBigInt' });
    });
  });

  describe(`serializer 'structured' (${runtime})`, () => {
    let pool: ModulePool;
    before(() => {
      // the default: no serializer option at all
      pool = make(runtime, {});
    });
    after(() => pool.close());

    it('is the default, and the transport clones the whole type matrix (Buffer arrives as bytes)', async () => {
      const sent = matrix();
      const seen = await pool.runMethod<string[]>('details', ...sent.map(([v]) => v));
      assert.deepEqual(
        seen.filter((_, i) => i !== 3),
        sent.map(([, s]) => s).filter((_, i) => i !== 3),
      );
      assert.match(seen[3], /^(Buffer|Uint8Array):/, 'worker_threads deliver a Buffer as a Uint8Array');
      assertMatrix(await pool.run<unknown[]>(sent.map(([v]) => v)), { buffers: false });
      const cycle = await pool.runMethod<Record<string, unknown>>('returnsCircular');
      assert.equal(cycle.self, cycle);
    });

    it('a failure rejects only its own task: the others sent with it resolve, the worker serves on', async () => {
      await onlyBadTasksFail(pool, { arg: { fn: () => 1 }, result: 'returnsSymbol' });
    });
  });

  describe(`a custom Serializer module (${runtime})`, () => {
    let pool: ModulePool;
    before(() => {
      pool = make(runtime, { serializer: CUSTOM });
    });
    after(() => pool.close());

    it('encodes and decodes on both sides: the worker sees revived Dates and ran the class itself', async () => {
      const mine = () => ({ ...((globalThis as { __serCustom?: { encode: number; decode: number } }).__serCustom ?? { encode: 0, decode: 0 }) });
      const before = mine();
      assert.deepEqual(await pool.runMethod('details', new Date(DATE), { n: 1 }), [`Date:${ISO}`, 'Object:{"n":1}']);
      const back = await pool.run<{ when: Date }>({ when: new Date(DATE) });
      assert.ok(back.when instanceof Date && back.when.toISOString() === ISO);
      const after = mine();
      assert.ok(after.encode - before.encode >= 2, 'the parent encoded the arguments');
      assert.ok(after.decode - before.decode >= 2, 'the parent decoded the results');
      const inWorker = await pool.runMethod<{ encode: number; decode: number }>('serStats');
      assert.ok(inWorker.decode >= 3 && inWorker.encode >= 2, `the worker ran the class: ${JSON.stringify(inWorker)}`);
      if (runtime === 'process') assert.notEqual((await pool.runMethod<Who>('whoami')).pid, process.pid);
    });

    it('failures are SerializationError where they happen: parent encode, worker decode, worker encode, parent decode', async () => {
      await assert.rejects(
        pool.run(() => 1),
        (e: Error) => e instanceof SerializationError && /cannot encode a function/.test(e.message),
      );
      await assert.rejects(pool.run({ $refuse: true }), (e: Error) => e instanceof SerializationError && /could not be decoded.*refuses/.test(e.message));
      await assert.rejects(pool.runMethod('returnsFunction'), (e: Error) => e instanceof SerializationError && /could not be encoded/.test(e.message));
      await assert.rejects(pool.runMethod('returnsRefused'), (e: Error) => e instanceof SerializationError && /could not be decoded.*refuses/.test(e.message));
      assert.equal(await pool.run('still serving'), 'still serving');
    });

    it('a failure rejects only its own task: the others sent with it resolve, the worker serves on', async () => {
      await onlyBadTasksFail(pool, { arg: [() => 1], result: 'returnsRefused', workerDecode: { $refuse: true } });
    });
  });

  describe(`serializer module options (${runtime})`, () => {
    it('a serializer module given as a file: URL works too', async () => {
      const pool = make(runtime, { serializer: pathToFileURL(CUSTOM).href });
      try {
        assert.deepEqual(await pool.runMethod('details', new Date(DATE)), [`Date:${ISO}`]);
        assert.ok((await pool.runMethod<{ decode: number }>('serStats')).decode > 0);
      } finally {
        await pool.close();
      }
    });

    it('a missing serializer module is a ModuleLoadError at createPool', () => {
      assert.throws(
        () => make(runtime, { serializer: fixture('no-such-serializer.mjs') }),
        (e: Error) => e instanceof ModuleLoadError && e.phase === 'serializer' && /no-such-serializer\.mjs/.test(e.message),
      );
    });

    it('a serializer module that exports no Serializer class fails calls with ModuleLoadError', async () => {
      const pool = make(runtime, { serializer: fixture('basic.mjs'), maxStartFailures: 1 });
      try {
        await assert.rejects(pool.run(1), (e: Error) => e instanceof ModuleLoadError && /Serializer class/.test(e.message));
        assert.equal(pool.workers.length, 0);
      } finally {
        await pool.close();
      }
    });
  });
}
