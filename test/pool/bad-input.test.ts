// Bad input: unserializable arguments and results, missing or broken modules, methods that do
// not exist, a 100 MB payload, options of the wrong type or range. Each gets a clear typed error
// (at the call, or at createPool for options), and the pool keeps serving: every bad call is
// followed by a good one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createPool,
  InvalidOptionError,
  MethodNotFoundError,
  ModuleLoadError,
  type ModulePool,
  type PoolOptions,
  QueueFullError,
  SerializationError,
  TaskAbortedError,
} from 'workforcejs';
import { fixture, RUNTIMES } from '../helpers.js';

const MODULE = fixture('bad-worker.mjs');
const SERIALIZERS = ['structured', 'json', 'cbor'] as const;
type Runtime = (typeof RUNTIMES)[number];

function make(runtime: Runtime, options: Partial<PoolOptions> = {}): ModulePool {
  // plain-JS fixture: workers need not load the runner's tsx
  return createPool({ module: MODULE, runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] }, ...options });
}

let serial = 0;
/** The pool still answers a good call. */
async function serves(pool: ModulePool): Promise<void> {
  const n = ++serial;
  assert.equal(await pool.runMethod('ping', n), n);
}

/** `call` rejects with `type` (and a message matching `message`), then the pool serves. */
async function refused(pool: ModulePool, call: () => Promise<unknown>, type: abstract new (...args: never[]) => Error, message?: RegExp): Promise<void> {
  const error = await call().then(
    (value) => assert.fail(`expected ${type.name}, got a result: ${String(value)}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  if (message) assert.match((error as Error).message, message);
  await serves(pool);
}

const circular = () => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};

for (const runtime of RUNTIMES) {
  describe(`bad input (${runtime})`, () => {
    for (const serializer of SERIALIZERS) {
      describe(`serializer '${serializer}'`, () => {
        let pool: ModulePool;
        before(async () => {
          pool = make(runtime, { serializer });
          await serves(pool);
        });
        after(() => pool.close());

        it('arguments that cannot be sent are a SerializationError at the call', async () => {
          await refused(pool, () => pool.run(() => 1), SerializationError, /could not be|cannot be/);
          await refused(pool, () => pool.run(Symbol('nope')), SerializationError);
          await refused(pool, () => pool.runMethod('ping', { nested: [1, { fn: () => 2 }] }), SerializationError);
          await refused(pool, () => pool.addTask(Symbol('nope')), SerializationError);
          if (serializer === 'json') {
            await refused(pool, () => pool.run(circular()), SerializationError, /circular/i);
            await refused(pool, () => pool.run(10n), SerializationError, /BigInt/);
          } else {
            // structured clone and CBOR carry cycles and BigInt, and plain objects stay plain objects
            const back = (await pool.run(circular())) as Record<string, unknown>;
            assert.equal(Object.getPrototypeOf(back), Object.prototype);
            assert.equal(back.self, back);
            assert.equal(await pool.run(10n), 10n);
            assert.deepEqual(await pool.run({ a: 1, b: { c: [1, 2] } }), { a: 1, b: { c: [1, 2] } });
            assert.deepEqual(await pool.run(new Map([['k', 1]])), new Map([['k', 1]]));
          }
        });

        it('results that cannot be sent back are a SerializationError at the call', async () => {
          await refused(pool, () => pool.runMethod('giveFunction'), SerializationError, /could not be encoded/);
          await refused(pool, () => pool.runMethod('giveSymbol'), SerializationError, /could not be encoded/);
          if (serializer === 'json') {
            await refused(pool, () => pool.runMethod('giveCircular'), SerializationError, /circular/i);
            await refused(pool, () => pool.runMethod('giveBigInt'), SerializationError, /BigInt/);
          }
        });

        it('errors that cannot be sent as they are still arrive as Errors with their message and code', async () => {
          const error = await pool.runMethod('throwUnsendable').then(
            () => assert.fail('must not resolve'),
            (e: unknown) => e,
          );
          assert.ok(error instanceof Error, String(error));
          assert.equal(error.message, 'unsendable error');
          assert.equal((error as Error & { code?: string }).code, 'E_UNSENDABLE');
          const thrown = await pool.runMethod('throwSymbol').then(
            () => assert.fail('must not resolve'),
            (e: unknown) => e,
          );
          assert.ok(thrown instanceof Error && /Symbol\(thrown\)/.test(thrown.message), String(thrown));
          await serves(pool);
        });
      });
    }

    describe('methods and modules', () => {
      let pool: ModulePool;
      before(async () => {
        pool = make(runtime);
        await serves(pool);
      });
      after(() => pool.close());

      it('a method that does not exist, or an export that is not a function, is a MethodNotFoundError', async () => {
        await refused(pool, () => pool.runMethod('noSuchMethod'), MethodNotFoundError, /noSuchMethod.*bad-worker\.mjs/);
        await refused(pool, () => pool.runMethod('notAFunction'), MethodNotFoundError, /not a function/);
        await refused(pool, () => pool.addTask(1, { method: 'noSuchMethod' }), MethodNotFoundError);
        await refused(pool, () => pool.runMethod(42 as unknown as string), InvalidOptionError);
        await refused(pool, () => pool.runMethod(''), InvalidOptionError);
        const [ok, failed] = await pool.broadcastMethod('noSuchMethod');
        assert.deepEqual(ok, []);
        assert.ok(failed.length === 1 && failed[0] instanceof MethodNotFoundError);
        await serves(pool);
      });

      it('a method name that is not a non-empty string is an InvalidOptionError, on every call form', async () => {
        const fresh = make(runtime);
        try {
          // before the first call ran and after: the same answer
          await refused(fresh, () => fresh.addTask(1, { method: '' }), InvalidOptionError, /"method"/);
          await refused(fresh, () => fresh.addTask(1, { method: '' }), InvalidOptionError, /"method"/);
        } finally {
          await fresh.close();
        }
        for (const method of ['', null, undefined, 42, Symbol('m'), {}]) {
          await refused(pool, () => pool.broadcastMethod(method as string), InvalidOptionError, /"method"/);
          await refused(pool, () => pool.runMethod(method as string), InvalidOptionError, /"method"/);
          if (method !== undefined) await refused(pool, () => pool.addTask(1, { method: method as string }), InvalidOptionError, /"method"/);
        }
        // no method: the default export
        assert.equal(await pool.addTask(7, { method: undefined }), 7);
      });

      it('only the module’s own exports are methods: inherited members are a MethodNotFoundError', async () => {
        const inherited = ['toString', 'valueOf', 'constructor', '__proto__', 'hasOwnProperty', 'isPrototypeOf', 'call', 'apply', 'bind'];
        const cjsObject = make(runtime, { module: fixture('mp-cjs-object.cjs') });
        const cjsFunction = make(runtime, { module: fixture('mp-cjs.cjs') });
        try {
          for (const p of [pool, cjsObject, cjsFunction]) {
            for (const method of inherited) {
              const error = await p.runMethod(method, 'return 1').then(
                (value) => assert.fail(`${method}: expected MethodNotFoundError, got ${String(value)}`),
                (e: unknown) => e,
              );
              assert.ok(error instanceof MethodNotFoundError, `${method}: ${String(error)}`);
              assert.equal(error.method, method);
            }
          }
          // their own exports still are, and so are the methods of an exported class instance
          const instance = make(runtime, { module: fixture('mp-cjs-instance.cjs') });
          try {
            assert.equal(await instance.runMethod('times', 4), 12, 'a prototype method, called with its object as this');
            for (const method of inherited) await assert.rejects(instance.runMethod(method), MethodNotFoundError, method);
          } finally {
            await instance.close();
          }
          assert.equal(await cjsObject.runMethod('square', 3), 9);
          assert.equal(await cjsFunction.runMethod('foo', 1), 'foo:1');
          assert.equal(await cjsFunction.run(2, 3), 6);
          await serves(pool);
        } finally {
          await Promise.all([cjsObject.close(), cjsFunction.close()]);
        }
      });

      it('addTask options: null means none, anything else but an object is an InvalidOptionError', async () => {
        assert.equal(await pool.addTask(5, null), 5);
        for (const options of [42, 'x', true, [], [{ timeout: 5 }]]) {
          await refused(pool, () => pool.addTask(1, options as never), InvalidOptionError, /"options"/);
          await refused(pool, () => pool.runWith(options as never, 1), InvalidOptionError, /"options"/);
        }
      });

      it('transfer that is not an array, and onMessage without a string type or a function, are InvalidOptionErrors', async () => {
        for (const transfer of [1, 'x', new ArrayBuffer(8), {}]) {
          await refused(pool, () => pool.runWith({ transfer } as never, 1), InvalidOptionError, /"transfer"/);
          await refused(pool, () => pool.addTask(1, { transfer } as never), InvalidOptionError, /"transfer"/);
        }
        assert.throws(
          () => pool.onMessage(5 as never, () => {}),
          (e: unknown) => e instanceof InvalidOptionError && e.option === 'type',
        );
        assert.throws(
          () => pool.onMessage('t', 'not a function' as never),
          (e: unknown) => e instanceof InvalidOptionError && e.option === 'listener',
        );
      });

      it('bad per-call options are typed errors: affinity strength, an aborted signal, a full queue', async () => {
        await refused(pool, () => pool.addTask(1, { affinityStrength: 'hard' as 'force', affinity: 1 }), InvalidOptionError);
        await refused(pool, () => pool.addTask(1, { signal: AbortSignal.abort() }), TaskAbortedError);
        await refused(pool, () => pool.addTask(1, { affinity: 999, affinityStrength: 'force' }), InvalidOptionError);
        assert.equal(pool.stats.queued, 0, 'a refused call leaves nothing queued');
        const small = make(runtime, { maxConcurrentCalls: 1 });
        try {
          const first = small.runMethod('ping', 1);
          await assert.rejects(small.runMethod('ping', 2), QueueFullError);
          assert.equal(await first, 1);
          await serves(small);
        } finally {
          await small.close();
        }
      });

      it('a 100 MB payload goes both ways, and the pool serves after', { timeout: 60_000 }, async () => {
        const mb = 100;
        assert.equal(await pool.runMethod('size', Buffer.alloc(mb * 1024 * 1024, 1)), mb * 1024 * 1024, 'a 100 MB Buffer argument');
        await serves(pool);
        assert.equal(await pool.runMethod('size', 'y'.repeat(mb * 1024 * 1024)), mb * 1024 * 1024, 'a 100 MB string argument');
        await serves(pool);
        assert.equal((await pool.runMethod<string>('giveBig', mb)).length, mb * 1024 * 1024, 'a 100 MB string result');
        await serves(pool);
      });

      it('a module path that does not exist is a ModuleLoadError at createPool', () => {
        assert.throws(
          () => createPool({ module: fixture('bad-does-not-exist.mjs'), runtime }),
          (e: unknown) => e instanceof ModuleLoadError && /bad-does-not-exist\.mjs/.test(e.message),
        );
        assert.throws(() => createPool({ module: new URL('file:///no/such/dir/worker.mjs'), runtime }), ModuleLoadError);
      });

      it('a module with a syntax error, or a directory, is a ModuleLoadError at the call', async () => {
        for (const module of [fixture('syntax-error.mjs'), fixture('')]) {
          const broken = createPool({ module, runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] } });
          try {
            const error = await broken.run(1).then(
              () => assert.fail('must not resolve'),
              (e: unknown) => e,
            );
            assert.ok(error instanceof ModuleLoadError, String(error));
            assert.equal(error.phase, 'module');
            await assert.rejects(broken.run(2), ModuleLoadError, 'later calls get the same error');
          } finally {
            await broken.close();
          }
        }
        await serves(pool);
      });

      it('workerData that cannot be sent is an InvalidOptionError at createPool', async () => {
        assert.throws(
          () => make(runtime, { workerData: () => 1 }),
          (e: unknown) => e instanceof InvalidOptionError && e.option === 'workerData',
        );
        await serves(pool);
      });
    });

    it('options of the wrong type or range are an InvalidOptionError at createPool, naming the option', async () => {
      const bad: [string, unknown][] = [
        ['numberOfWorkers', -1],
        ['numberOfWorkers', 0],
        ['numberOfWorkers', 1.5],
        ['numberOfWorkers', '2'],
        ['timeout', Number.NaN],
        ['timeout', -5],
        ['timeout', '100'],
        // longer than setTimeout can wait (it would fire after 1 ms): use Infinity
        ['timeout', 2 ** 31],
        ['startTimeout', 2 ** 31],
        ['killTimeout', 1e12],
        ['cancelGracePeriod', 2 ** 31],
        ['maxIdleTime', 2 ** 40],
        ['concurrency', '2'],
        ['concurrency', 0],
        ['maxRetries', -1],
        ['maxRetries', 1.5],
        ['ttl', 0],
        ['killTimeout', Number.NaN],
        ['cancelGracePeriod', -1],
        ['maxConcurrentCalls', 0],
        ['maxIdleTime', -1],
        ['startTimeout', 0],
        ['maxWorkers', 0],
        ['minWorkers', -1],
        ['retryOnError', 'yes'],
        ['retryOnTimeout', 'yes'],
        ['maxHeapBeforeRecycle', 'x'],
        ['runtime', 'fiber'],
        ['serializer', 'xml'],
        ['serializer', 42],
        ['serializer', 'relative/serializer.js'],
        ['execArgv', '--foo'],
        ['env', 'x'],
        ['resourceLimits', 'big'],
        ['fork', 'x'],
      ];
      for (const [option, value] of bad) {
        assert.throws(
          () => createPool({ module: MODULE, runtime, numberOfWorkers: 1, [option]: value }),
          (e: unknown) => e instanceof InvalidOptionError && e.option === option && e.message.includes(option),
          `${option}: ${String(value)}`,
        );
      }
      for (const options of [
        null,
        42,
        'x',
        {},
        { module: 42 },
        { module: '' },
        { module: 'http://example.com/worker.mjs' },
        { module: new URL('data:text/javascript,1') },
      ]) {
        assert.throws(
          () => createPool(options as PoolOptions),
          (e: unknown) => e instanceof InvalidOptionError && (options === null || typeof options !== 'object' || e.option === 'module'),
          String(JSON.stringify(options)),
        );
      }
      assert.throws(() => createPool({ module: MODULE, runtime, minWorkers: 3, maxWorkers: 2 }), InvalidOptionError);
      // inside the options handed to worker_threads and child_process: the error names the path
      const nested: [string, Partial<PoolOptions>][] = [
        ['execArgv', { execArgv: ['--ok', 42 as unknown as string] }],
        ['fork.args', { fork: { args: 'x' as unknown as string[] } }],
        ['fork.args', { fork: { args: [1] as unknown as string[] } }],
        ['fork.execArgv', { fork: { execArgv: '--x' as unknown as string[] } }],
        ['fork.execArgv', { fork: { execArgv: [null] as unknown as string[] } }],
        ['fork.env', { fork: { env: 'x' as unknown as Record<string, string> } }],
        ['fork.env', { fork: { env: null as unknown as Record<string, string> } }],
        ['fork.env', { fork: { env: [] as unknown as Record<string, string> } }],
        ['fork.cwd', { fork: { cwd: 42 as unknown as string } }],
        ['fork.execPath', { fork: { execPath: {} as unknown as string } }],
        ['fork.silent', { fork: { silent: 'yes' as unknown as boolean } }],
        ['fork.serialization', { fork: { serialization: 'v8' as unknown as 'json' } }],
        ['fork.serialization', { fork: { serialization: null as unknown as 'json' } }],
      ];
      for (const name of ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb']) {
        for (const value of ['big', -1, 0, Number.NaN, Number.POSITIVE_INFINITY, null]) {
          nested.push([`resourceLimits.${name}`, { resourceLimits: { [name]: value } }]);
        }
      }
      for (const [option, options] of nested) {
        assert.throws(
          () => createPool({ module: MODULE, runtime, numberOfWorkers: 1, ...options }),
          (e: unknown) => e instanceof InvalidOptionError && e.option === option && e.message.includes(option),
          `${option}: ${JSON.stringify(options)}`,
        );
      }
      // an unknown option name is refused (test/pool/option-names.test.ts); unknown names inside
      // `fork` are child_process's business and are passed on
      assert.throws(
        () => createPool({ module: MODULE, runtime, numberOfWorkers: 1, notAnOption: 1 } as PoolOptions),
        (e: unknown) => e instanceof InvalidOptionError && e.option === 'notAnOption',
      );
      const extra = createPool({ module: MODULE, runtime, numberOfWorkers: 1, fork: { execArgv: [], stdio: 'x' } as never, execArgv: [] });
      await extra.close();
      // and a good pool still works
      const pool = make(runtime);
      try {
        await serves(pool);
      } finally {
        await pool.close();
      }
    });

    it('Infinity is accepted where a time may be unbounded, and means no limit', async () => {
      const pool = make(runtime, {
        timeout: Number.POSITIVE_INFINITY,
        startTimeout: Number.POSITIVE_INFINITY,
        killTimeout: Number.POSITIVE_INFINITY,
        cancelGracePeriod: Number.POSITIVE_INFINITY,
        maxIdleTime: Number.POSITIVE_INFINITY,
      });
      try {
        await serves(pool);
        // a 50 ms call is not cut short by a timer that overflowed to 1 ms
        assert.equal(await pool.runMethod('wait', 50, 'late'), 'late');
        await serves(pool);
      } finally {
        await pool.close();
      }
    });
  });
}
