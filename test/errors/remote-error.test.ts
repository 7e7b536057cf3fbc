// Errors rebuilt from the wire (src/errors/remote-error.ts): whatever a worker sent, the result is
// an Error whose prototype is a fixed, known one; names are only names (Object.prototype members
// included), keys such as __proto__ stay ordinary properties, a cause chain cannot exhaust the stack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserializeError, serializeError } from '../../src/errors/remote-error.js';
import { SerializationError } from '../../src/errors/serialization-error.js';
import { TimeoutError } from '../../src/errors/timeout-error.js';

const PROTO_NAMES = ['toString', 'valueOf', 'hasOwnProperty', '__proto__', 'constructor', 'isPrototypeOf', '__defineGetter__'];

describe('deserializeError on untrusted data', () => {
  it('a name that is an Object.prototype member is only a name', () => {
    for (const name of PROTO_NAMES) {
      const error = deserializeError({ $error: true, name, message: 'm' }, [SerializationError]);
      assert.equal(Object.getPrototypeOf(error), Error.prototype, name);
      assert.equal(error.name, name);
      assert.equal(error.message, 'm');
    }
  });

  it('built-in classes by name; a class of `classes` only for its exact name', () => {
    assert.ok(deserializeError({ $error: true, name: 'RangeError', message: 'r' }) instanceof RangeError);
    const own = deserializeError({ $error: true, name: 'SerializationError', message: 's', props: { code: 'ERR_WORKFORCE_SERIALIZATION' } }, [
      SerializationError,
    ]);
    assert.ok(own instanceof SerializationError);
    assert.equal((own as SerializationError).code, 'ERR_WORKFORCE_SERIALIZATION');
    const notVouched = deserializeError({ $error: true, name: 'SerializationError', message: 's' });
    assert.ok(!(notVouched instanceof SerializationError));
    assert.ok(!(deserializeError({ $error: true, name: 'TimeoutError', message: 't' }, [SerializationError]) instanceof TimeoutError));
  });

  it('props named __proto__, constructor or name do not change the prototype or the name', () => {
    const props = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "name": "Renamed", "code": "E"}');
    const error = deserializeError({ $error: true, name: 'Error', message: 'm', props });
    assert.equal(Object.getPrototypeOf(error), Error.prototype);
    assert.ok(error instanceof Error);
    assert.equal((error as unknown as { polluted?: boolean }).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(error, '__proto__')?.value, { polluted: true });
    assert.equal(error.name, 'Error');
    assert.equal((error as Error & { code: string }).code, 'E');
    assert.equal(({} as { polluted?: boolean }).polluted, undefined, 'Object.prototype untouched');
  });

  it('fields of the wrong type: a name, message and stack that are not strings still give an Error', () => {
    const error = deserializeError({ $error: true, name: 42, message: { a: 1 }, stack: 7, props: 'x' } as never);
    assert.equal(Object.getPrototypeOf(error), Error.prototype);
    assert.equal(error.name, 'Error');
    assert.equal(error.message, '{"a":1}');
    assert.equal(typeof error.stack, 'string');
  });

  it('a cause chain 100,000 deep is cut, not followed to a stack overflow', () => {
    let data: unknown = { $error: true, name: 'Error', message: 'bottom' };
    for (let i = 0; i < 100_000; i++) data = { $error: true, name: 'Error', message: `level ${i}`, cause: data };
    const error = deserializeError(data);
    let depth = 0;
    for (let e: unknown = error; e instanceof Error; e = e.cause) depth++;
    assert.ok(depth <= 18, `${depth}`);
  });

  it("a DOMException keeps its class and name (AbortSignal.timeout()'s TimeoutError)", async () => {
    const signal = AbortSignal.timeout(1);
    const reason = await new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason)));
    const back = deserializeError(structuredClone(serializeError(reason)));
    assert.ok(back instanceof DOMException);
    assert.equal(back.name, 'TimeoutError');
    assert.ok(!(back instanceof TimeoutError));
  });

  it('a thrown plain object with an own __proto__ key lends only its own name and message', () => {
    const thrown = JSON.parse('{"__proto__": {"name": "Inherited", "message": "inherited"}, "code": 3}');
    const data = serializeError(thrown);
    assert.equal(data.name, 'Error');
    const error = deserializeError(structuredClone(data));
    assert.equal(error.name, 'Error');
    assert.equal((error as Error & { code: number }).code, 3);
  });

  it('anything that is not a serialized error becomes an Error describing it', () => {
    for (const value of [null, undefined, 42, 'text', { name: 'x' }, [1]]) assert.ok(deserializeError(value) instanceof Error);
  });
});

describe('serializeError on what user code throws: it never throws itself', () => {
  const roundTrip = (value: unknown) => deserializeError(JSON.parse(JSON.stringify(serializeError(value))));

  it('an error that is its own cause, and two errors causing each other: the cycle is cut', () => {
    const self = new Error('wrapped');
    self.cause = self;
    const back = roundTrip(self);
    assert.equal(back.message, 'wrapped');
    assert.equal(back.cause, '[circular]');
    const a = new Error('a');
    const b = new TypeError('b', { cause: a });
    a.cause = b;
    const ab = roundTrip(a);
    assert.ok(ab.cause instanceof TypeError);
    assert.equal((ab.cause as Error).message, 'b');
    assert.equal((ab.cause as Error).cause, '[circular]');
  });

  it('a cause chain 100,000 deep is cut on the way out too', () => {
    let error = new Error('bottom');
    for (let i = 0; i < 100_000; i++) error = new Error(`level ${i}`, { cause: error });
    let depth = 0;
    for (let e: unknown = roundTrip(error); e instanceof Error; e = e.cause) depth++;
    assert.ok(depth >= 2 && depth <= 18, `${depth}`);
  });

  it('getters that throw (a field, the message, the name) are described, not thrown', () => {
    const error = new Error('x');
    Object.defineProperty(error, 'code', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    assert.equal((roundTrip(error) as Error & { code: string }).code, '[code could not be read: Error: getter]');
    const message = new TypeError('m');
    Object.defineProperty(message, 'message', {
      get() {
        throw new Error('no message');
      },
    });
    const named = new RangeError('n');
    Object.defineProperty(named, 'name', {
      get() {
        throw new Error('no name');
      },
    });
    assert.match(roundTrip(message).message, /message could not be read: Error: no message/);
    assert.match(roundTrip(named).name, /name could not be read/);
    const thrownObject = {
      get message() {
        throw new Error('nope');
      },
    };
    assert.equal(typeof roundTrip(thrownObject).message, 'string');
  });

  it('a thrown Proxy whose every trap throws still gives an Error', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const back = roundTrip(hostile);
    assert.equal(Object.getPrototypeOf(back), Error.prototype);
    assert.equal(typeof back.message, 'string');
    const inField = new Error('holder');
    (inField as Error & { p: unknown }).p = hostile;
    assert.match(String((roundTrip(inField) as Error & { p: unknown }).p), /unreadable|could not be read/);
  });

  it('errors pointing to each other through fields are not expanded once per path (that doubles per level)', () => {
    // 40 levels, each error holding the next one twice: 2^40 paths, 41 errors
    let next = new Error('bottom');
    for (let i = 0; i < 40; i++) {
      const error = new Error(`level ${i}`);
      Object.assign(error, { a: next, b: next });
      next = error;
    }
    const text = JSON.stringify(serializeError(next));
    assert.ok(text.length < 500_000, `${text.length} characters`);
    const back = deserializeError(JSON.parse(text)) as Error & { a: Error & { b: Error } };
    assert.equal(back.message, 'level 39');
    assert.ok(back.a instanceof Error && back.a.message === 'level 38', 'the first levels are kept');
    assert.ok(back.a.b instanceof Error && back.a.b.message === 'level 37');
    // a wide one is cut at a bound too
    const wide = new Error('wide');
    (wide as Error & { list: unknown[] }).list = Array.from({ length: 5000 }, (_, i) => ({ i }));
    assert.ok(JSON.stringify(serializeError(wide)).includes('[truncated]'));
  });

  it("an Error in a field and an AggregateError's errors come back as Errors", () => {
    const outer = new Error('outer');
    (outer as Error & { inner: Error }).inner = new RangeError('inner');
    const inner = (roundTrip(outer) as Error & { inner: unknown }).inner;
    assert.ok(inner instanceof RangeError, String(inner));
    assert.equal((inner as Error).message, 'inner');
    const aggregate = roundTrip(new AggregateError([new Error('one'), new TypeError('two')], 'both'));
    assert.ok(aggregate instanceof AggregateError);
    assert.equal(aggregate.message, 'both');
    const errors = (aggregate as AggregateError).errors;
    assert.equal(errors.length, 2);
    assert.ok(errors[1] instanceof TypeError && errors[1].message === 'two');
  });
});
