// The wire codec (src/worker/protocol.ts): every encoder's frame decodes to the record it was made
// from (also after a structured clone, as it travels), and every malformed shape a worker could
// send is a SerializationError naming the frame and the worker, or, when it still names its call,
// that call's failure; never another exception, never a non-Error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MethodNotFoundError } from '../../src/errors/method-not-found-error.js';
import { ModuleLoadError } from '../../src/errors/module-load-error.js';
import { SerializationError } from '../../src/errors/serialization-error.js';
import { TaskAbortedError } from '../../src/errors/task-aborted-error.js';
import { TimeoutError } from '../../src/errors/timeout-error.js';
import { WorkforceError } from '../../src/errors/workforce-error.js';
import {
  decodeToChild,
  decodeToParent,
  encodeCancel,
  encodeClose,
  encodeError,
  encodeFailure,
  encodeFatal,
  encodeInit,
  encodeInitError,
  encodeMessage,
  encodeNested,
  encodeNestedCancel,
  encodeNestedResult,
  encodePost,
  encodeReady,
  encodeWithdraw,
  type InitConfig,
  isResultFrame,
  ResultBatch,
  readResults,
  TaskBatch,
  type ToParent,
} from '../../src/worker/protocol.js';

const WORKER = 'Worker 7 (pid 42)';
/** As the frame travels: structured clone (threads, and processes with 'advanced' serialization). */
const wire = (frame: unknown[]) => structuredClone(frame);
const fromWorker = (frame: unknown) => decodeToParent(frame, WORKER);

describe('codec: parent → child round trips', () => {
  it('TASK: a batch of calls, and each call of it alone', () => {
    const batch = new TaskBatch();
    batch.add(1, undefined, ['a'], false);
    batch.add(2, 'method', { encoded: true }, true);
    batch.add(3, 'other', new Uint8Array([1, 2]), undefined);
    const expected = [
      { id: 1, method: null, payload: ['a'], single: false },
      { id: 2, method: 'method', payload: { encoded: true }, single: true },
      { id: 3, method: 'other', payload: new Uint8Array([1, 2]), single: false },
    ];
    assert.deepEqual(decodeToChild(wire(batch.frame())), { op: 'tasks', calls: expected });
    const parts = [...batch.split()];
    assert.deepEqual(
      parts.map(([id]) => id),
      [1, 2, 3],
    );
    for (const [i, [, frame]] of parts.entries()) assert.deepEqual(decodeToChild(wire(frame)), { op: 'tasks', calls: [expected[i]] });
  });

  it('INIT, CANCEL, WITHDRAW, MESSAGE, CLOSE', () => {
    const config: InitConfig = { module: 'file:///m.mjs', workerId: 3, serializer: 'json', workerData: { x: 1 }, reportHeap: false, concurrency: 2 };
    assert.deepEqual(decodeToChild(wire(encodeInit(config))), { op: 'init', config });
    assert.deepEqual(decodeToChild(wire(encodeCancel(5))), { op: 'cancel', id: 5 });
    assert.deepEqual(decodeToChild(wire(encodeWithdraw(6))), { op: 'withdraw', id: 6 });
    assert.deepEqual(decodeToChild(wire(encodeMessage('t', { c: [1] }))), { op: 'message', type: 't', content: { c: [1] } });
    assert.deepEqual(decodeToChild(wire(encodeClose())), { op: 'close' });
  });

  it('NESTED_RESULT: a value, or an error (rebuilt by name only, as the worker always got it)', () => {
    assert.deepEqual(decodeToChild(wire(encodeNestedResult(4, true, 'encoded'))), { op: 'nested-result', id: 4, ok: true, payload: 'encoded' });
    const failed = decodeToChild(wire(encodeNestedResult(4, false, new TimeoutError(10, 4))));
    assert.equal(failed.op, 'nested-result');
    assert.ok(failed.op === 'nested-result' && !failed.ok);
    assert.ok(failed.error instanceof Error && !(failed.error instanceof TimeoutError));
    assert.equal(failed.error.name, 'TimeoutError');
    assert.equal((failed.error as Error & { code: string }).code, 'ERR_WORKFORCE_TIMEOUT');
  });

  it('a frame the pool never sends is a SerializationError, not an index error', () => {
    for (const frame of [null, 1, {}, [], [99], [1, 1, null, 'p'], [1, 'x', null, 'p', 0], [2, 0], [3, 5, 'c'], [4, 1, 2, null], [0, null]]) {
      assert.throws(() => decodeToChild(frame), SerializationError, JSON.stringify(frame));
    }
  });
});

describe('codec: child → parent round trips', () => {
  it("RESULT: returned, threw (user error) and failed (the runtime's own), in one batch and split", () => {
    const batch = new ResultBatch();
    assert.equal(batch.empty, true);
    batch.returned(1, 'value');
    batch.threw(2, Object.assign(new Error('user'), { name: 'TimeoutError', timeout: 5 }));
    batch.failed(3, new MethodNotFoundError('nope', '/m.mjs'));
    batch.failed(4, new TaskAbortedError('withdrawn'));
    batch.threw(5, new TypeError('typed'));
    assert.equal(batch.empty, false);
    const check = (message: ToParent, ids: number[]) => {
      assert.equal(message.op, 'results');
      if (message.op !== 'results') return;
      assert.deepEqual(message.problems, []);
      assert.deepEqual(
        message.results.map((r) => r.id),
        ids,
      );
      for (const result of message.results) {
        if (result.id === 1) assert.deepEqual(result, { id: 1, ok: true, payload: 'value' });
        else assert.ok(!result.ok && result.error instanceof Error);
        if (result.ok) continue;
        const { error } = result;
        if (result.id === 2) {
          assert.equal(error.name, 'TimeoutError');
          assert.ok(!(error instanceof TimeoutError) && !(error instanceof WorkforceError));
          assert.equal((error as Error & { timeout: number }).timeout, 5);
        }
        if (result.id === 3) assert.ok(error instanceof MethodNotFoundError && error.code === 'ERR_WORKFORCE_METHOD_NOT_FOUND');
        if (result.id === 4) assert.ok(error instanceof TaskAbortedError);
        if (result.id === 5) assert.ok(error instanceof TypeError);
      }
    };
    const heap = 1234;
    const whole = fromWorker(wire(batch.frame(heap)));
    assert.ok(whole.op === 'results' && whole.heap === heap);
    check(whole, [1, 2, 3, 4, 5]);
    for (const [id, frame] of batch.split(null)) check(fromWorker(wire(frame)), [id]);
    check(fromWorker(wire(encodeFailure(3, new MethodNotFoundError('nope')))), [3]);
  });

  it("readResults (the pool's hot path) hands each answer on in order, malformed ones also as problems; a frame naming no call hands on nothing", () => {
    const batch = new ResultBatch();
    batch.returned(1, 'one');
    batch.threw(2, new RangeError('two'));
    const frame = wire(batch.frame(99));
    frame.push(3, 7, 'bogus status');
    assert.ok(isResultFrame(frame) && !isResultFrame(wire(encodeReady())) && !isResultFrame('RESULT'));
    const seen: [number, boolean, unknown][] = [];
    const problems: SerializationError[] = [];
    const order: string[] = [];
    readResults(frame, WORKER, {
      heap: (bytes) => order.push(`heap ${bytes}`),
      answer: (id, ok, value) => {
        order.push(`answer ${id}`);
        seen.push([id, ok, value]);
      },
      problem: (e) => problems.push(e),
    });
    assert.deepEqual(order, ['heap 99', 'answer 1', 'answer 2', 'answer 3'], 'the heap first: a recycling rule reads it as each answer lands');
    assert.deepEqual(
      seen.map(([id, ok]) => [id, ok]),
      [
        [1, true],
        [2, false],
        [3, false],
      ],
    );
    assert.equal(seen[0][2], 'one');
    assert.ok(seen[1][2] instanceof RangeError);
    assert.equal(problems.length, 1);
    assert.equal(seen[2][2], problems[0], 'the malformed answer fails its call with the problem it reports');
    assert.match(problems[0].message, /Worker 7 \(pid 42\) sent a malformed RESULT frame: the answer to call 3/);
    const nobody = wire(batch.frame(null));
    nobody.push('not an id', 1, 'x');
    const handed: unknown[] = [];
    assert.throws(
      () => readResults(nobody, WORKER, { heap: (bytes) => handed.push(bytes), answer: (id) => handed.push(id), problem: () => {} }),
      SerializationError,
    );
    assert.deepEqual(handed, [], 'checked before any answer is handed on');
  });

  it('the runtime may only vouch for its own classes: a "failed" error named TimeoutError is still a plain Error', () => {
    const batch = new ResultBatch();
    batch.failed(1, Object.assign(new Error('forged'), { name: 'TimeoutError' }));
    batch.failed(2, Object.assign(new Error('forged'), { name: 'WorkerCrashError' }));
    const message = fromWorker(wire(batch.frame(null)));
    assert.ok(message.op === 'results');
    for (const result of message.results) assert.ok(!result.ok && Object.getPrototypeOf(result.error) === Error.prototype);
  });

  it('READY, POST, NESTED, NESTED_CANCEL, INIT_ERROR (own / user), FATAL, ERROR', () => {
    assert.deepEqual(fromWorker(wire(encodeReady())), { op: 'ready' });
    assert.deepEqual(fromWorker(wire(encodePost('progress', { n: 1 }))), { op: 'post', type: 'progress', content: { n: 1 } });
    assert.deepEqual(fromWorker(wire(encodePost('bare', undefined))), { op: 'post', type: 'bare', content: undefined });
    assert.deepEqual(fromWorker(wire(encodeNested(3, 'arg', { affinity: 'main', affinityStrength: 'force' }, -3))), {
      op: 'nested',
      id: 3,
      payload: 'arg',
      options: { affinity: 'main', affinityStrength: 'force' },
      group: -3,
    });
    assert.deepEqual(fromWorker(wire(encodeNested(4, 'arg', undefined, 9))), { op: 'nested', id: 4, payload: 'arg', options: undefined, group: 9 });
    assert.deepEqual(fromWorker(wire(encodeNestedCancel(8))), { op: 'nested-cancel', id: 8 });
    const own = fromWorker(wire(encodeInitError(new ModuleLoadError('cannot load', '/m.mjs'), 'module', true)));
    assert.ok(own.op === 'init-error' && own.phase === 'module' && own.cause instanceof ModuleLoadError);
    const user = fromWorker(wire(encodeInitError(Object.assign(new Error('hook'), { name: 'ModuleLoadError' }), 'hook', false)));
    assert.ok(user.op === 'init-error' && user.phase === 'hook' && !(user.cause instanceof ModuleLoadError) && user.cause.name === 'ModuleLoadError');
    const fatal = fromWorker(wire(encodeFatal(new RangeError('boom'))));
    assert.ok(fatal.op === 'fatal' && fatal.error instanceof RangeError && fatal.error.message === 'boom');
    const thrown = fromWorker(wire(encodeFatal('a string')));
    assert.ok(thrown.op === 'fatal' && thrown.error instanceof Error && thrown.error.message === 'a string');
    const error = fromWorker(wire(encodeError(new TypeError('listener'))));
    assert.ok(error.op === 'error' && error.error instanceof TypeError && error.error.message === 'listener');
  });
});

describe('codec: malformed frames from a worker', () => {
  const unusable: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 12],
    ['a string', 'RESULT'],
    ['an object', { 0: 12, length: 2 }],
    ['an empty array', []],
    ['an unknown op', [99]],
    ['an op that is a string', ['12']],
    ['an op only the pool sends', [1, 1, null, 'p', 0]],
    ['RESULT without heap and groups', [12]],
    ['RESULT with a broken group', [12, null, 1, 1]],
    ['RESULT with a negative heap', [12, -1, 1, 1, 'v']],
    ['RESULT with a string heap', [12, '1', 1, 1, 'v']],
    ['RESULT with a string id', [12, null, '1', 1, 'v']],
    ['RESULT with id 0', [12, null, 0, 1, 'v']],
    ['RESULT with a fractional id', [12, null, 1.5, 1, 'v']],
    ['RESULT with a null id among good ones', [12, null, 1, 1, 'v', null, 1, 'v']],
    ['POST with a null type', [13, null, null]],
    ['POST without a type', [13]],
    ['NESTED with a null id', [14, null, 'p', undefined, 1]],
    ['NESTED_CANCEL with a negative id', [16, -1]],
    ['INIT_ERROR with a null error', [11, null, 'module', 1]],
    ['INIT_ERROR with an unknown phase', [11, { $error: true, name: 'E', message: 'm' }, 'toString', 1]],
    ['FATAL with a null error', [15, null]],
    ['FATAL with a plain object', [15, { name: 'x' }]],
    ['ERROR with a null error', [17, null]],
  ];
  for (const [what, frame] of unusable) {
    it(`${what}: SerializationError naming the worker and the frame`, () => {
      assert.throws(
        () => fromWorker(frame),
        (error: unknown) => {
          assert.ok(error instanceof SerializationError, `${error}`);
          assert.match(error.message, /^Worker 7 \(pid 42\) sent a malformed/);
          assert.equal(typeof error.frame, 'string');
          return true;
        },
      );
    });
  }

  it('an answer that names its call but is malformed fails that call (and is listed as a problem); its neighbours are answered', () => {
    for (const [status, value] of [
      [0, null],
      [0, 42],
      [0, { name: 'no $error' }],
      [2, 'text'],
      [7, 'v'],
      [null, 'v'],
    ]) {
      const message = fromWorker([12, null, 1, 1, 'ok', 2, status, value]);
      assert.ok(message.op === 'results');
      assert.equal(message.problems.length, 1);
      assert.deepEqual(message.results[0], { id: 1, ok: true, payload: 'ok' });
      const bad = message.results[1];
      assert.ok(!bad.ok && bad.error instanceof SerializationError && bad.error === message.problems[0]);
      assert.match(bad.error.message, /call 2/);
    }
  });

  it('NESTED with a good id but bad options or group: that nested task fails', () => {
    for (const frame of [
      [14, 2, 'p', null, 1],
      [14, 2, 'p', 'light', 1],
      [14, 2, 'p', { affinity: {} }, 1],
      [14, 2, 'p', { affinityStrength: 'toString' }, 1],
      [14, 2, 'p', undefined, 0],
      [14, 2, 'p', undefined, 'g'],
      [14, 2, 'p'],
    ]) {
      const message = fromWorker(frame);
      assert.ok(message.op === 'nested-malformed' && message.id === 2 && message.error instanceof SerializationError, JSON.stringify(frame));
    }
  });

  it('property: any value decodes to a record or throws SerializationError; every error it carries is an Error', () => {
    const op = fc.constantFrom(10, 11, 12, 13, 14, 15, 16, 17, 0, 1, 99);
    const field = fc.oneof(fc.anything(), fc.integer({ min: -2, max: 4 }), fc.constantFrom('module', 'hook', 'toString', '__proto__'));
    const error = fc.record(
      {
        $error: fc.constant(true),
        name: fc.oneof(fc.string(), fc.constantFrom('toString', '__proto__', 'constructor', 'TimeoutError')),
        message: fc.anything(),
      },
      { requiredKeys: ['$error'] },
    );
    const frame = fc.oneof(
      fc.anything(),
      fc.tuple(op),
      fc.tuple(op, field),
      fc.tuple(op, field, field, fc.oneof(field, error)),
      fc.tuple(op, field, field, fc.oneof(field, error), field),
      fc.tuple(fc.constant(12), fc.constant(null), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.oneof(field, error)),
    );
    fc.assert(
      fc.property(frame, (value) => {
        let message: ToParent;
        try {
          message = fromWorker(value);
        } catch (e) {
          assert.ok(e instanceof SerializationError, `${e}`);
          return;
        }
        if (message.op === 'results') for (const r of message.results) if (!r.ok) assert.ok(r.error instanceof Error);
        if (message.op === 'init-error') assert.ok(message.cause instanceof Error);
        if (message.op === 'fatal' || message.op === 'error') assert.ok(message.error instanceof Error);
      }),
      { numRuns: 3000 },
    );
  });
});
