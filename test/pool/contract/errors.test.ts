// The module-pool contract on every runtime (thread, process, inline): errors thrown by a task: class, fields, cause and stack cross back; typed errors for missing methods and bad values.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidOptionError, MethodNotFoundError, type ModulePool, SerializationError } from 'workforcejs';
import { identity, type Who } from '../pools.js';
import { forEachRuntime } from './matrix.js';

forEachRuntime(({ runtime, pool, clones }) => {
  describe(`module pool (${runtime}): errors`, () => {
    let p: ModulePool;
    before(() => {
      p = pool({ numberOfWorkers: 1 });
    });
    after(() => p.close());

    /** The pool keeps serving after an error. */
    async function serves() {
      assert.equal(await p.run(2, 2, 2), 6);
    }

    it('a thrown error keeps its class, name, message, stack and own props', async () => {
      await assert.rejects(p.runMethod('fail', 'boom'), (e: RangeError & { code?: string; detail?: unknown }) => {
        assert.ok(e instanceof RangeError);
        assert.equal(e.name, 'RangeError');
        assert.equal(e.message, 'boom');
        assert.equal(e.code, 'E_CUSTOM');
        assert.deepEqual(e.detail, { n: 1, list: ['a', 'b'] });
        assert.match(e.stack ?? '', /^RangeError: boom/);
        assert.match(e.stack ?? '', /mp-esm\.mjs/, 'the stack is the worker one');
        assert.match(e.stack ?? '', /at fail /);
        return true;
      });
      await serves();
    });

    it('an async rejection with a custom error class keeps its name and fields', async () => {
      await assert.rejects(p.runMethod('failAsync', 'bad email'), (e: Error & { field?: string }) => {
        assert.ok(e instanceof Error);
        assert.equal(e.name, 'ValidationError');
        assert.equal(e.message, 'bad email');
        assert.equal(e.field, 'email');
        assert.match(e.stack ?? '', /failAsync/);
        return true;
      });
      await serves();
    });

    it('an error cause crosses too', async () => {
      await assert.rejects(p.runMethod('failWithCause'), (e: Error) => {
        assert.equal(e.message, 'outer');
        assert.ok(e.cause instanceof TypeError);
        assert.equal((e.cause as Error).message, 'inner');
        return true;
      });
      await serves();
    });

    it('a thrown non-Error arrives as an Error', async () => {
      await assert.rejects(p.runMethod('throwString'), (e: Error) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /just a string/);
        return true;
      });
      await serves();
    });

    it('a thrown plain object arrives as an Error with its message and fields (error.code works)', async () => {
      await assert.rejects(p.runMethod('throwObject'), (e: Error & Record<string, unknown>) => {
        assert.ok(e instanceof Error);
        assert.equal(e.message, 'quota exceeded');
        assert.equal(e.code, 'E_QUOTA');
        assert.equal(e.retryAfter, 30);
        assert.deepEqual(e.detail, { user: 'ada' });
        assert.deepEqual(e.thrown, { code: 'E_QUOTA', message: 'quota exceeded', retryAfter: 30, detail: { user: 'ada' } });
        return true;
      });
      await serves();
    });

    it('a missing method is a MethodNotFoundError naming the method and module', async () => {
      await assert.rejects(p.runMethod('doesNotExist', 1), (e: MethodNotFoundError) => {
        assert.ok(e instanceof MethodNotFoundError);
        assert.equal(e.name, 'MethodNotFoundError');
        assert.match(e.message, /doesNotExist/);
        assert.match(e.message, /mp-esm\.mjs/);
        return true;
      });
      await assert.rejects(p.addTask(1, { method: 'alsoMissing' }), MethodNotFoundError);
      await serves();
    });

    it('a non-function export is a MethodNotFoundError', async () => {
      await assert.rejects(p.runMethod('notAFunction'), (e: MethodNotFoundError) => {
        assert.ok(e instanceof MethodNotFoundError);
        assert.match(e.message, /notAFunction/);
        return true;
      });
      await serves();
    });

    it('an empty method name is an InvalidOptionError', async () => {
      await assert.rejects(p.runMethod(''), InvalidOptionError);
      await serves();
    });

    // Inline arguments and results are passed by reference, never cloned (see inline.test.ts).
    if (clones) {
      it('unserializable arguments are a SerializationError', async () => {
        await assert.rejects(
          p.run(() => 1, 2, 3),
          (e: SerializationError) => {
            assert.ok(e instanceof SerializationError);
            assert.equal(e.name, 'SerializationError');
            return true;
          },
        );
        await assert.rejects(p.addTask({ fn: Symbol('s') }, { method: 'task' }), SerializationError);
        await serves();
      });

      it('an unserializable result is a SerializationError', async () => {
        await assert.rejects(p.runMethod('returnsFunction'), SerializationError);
        await serves();
      });
    }

    it('errors count as failed and the worker survives them all', async () => {
      const q = pool({ numberOfWorkers: 1 });
      try {
        const who = await q.runMethod<Who>('whoami');
        await assert.rejects(q.runMethod('fail', 'again'));
        await assert.rejects(q.runMethod('failAsync', 'bad email'));
        await assert.rejects(q.runMethod('throwString'), /just a string/);
        await assert.rejects(q.runMethod('nope'));
        await assert.rejects(q.runMethod('notAFunction'));
        await assert.rejects(q.addTask(1, { method: 'alsoMissing' }));
        if (clones) await assert.rejects(q.run(() => 0));
        assert.equal(await q.run(2, 2, 2), 6);
        assert.equal(q.stats.failed, clones ? 7 : 6);
        assert.equal(q.stats.completed, 2);
        assert.equal(identity(runtime, await q.runMethod<Who>('whoami')), identity(runtime, who), 'ordinary errors do not cost a worker');
        assert.deepEqual(
          q.workers.map((w) => w.id),
          [who.workerId],
        );
      } finally {
        await q.close();
      }
    });
  });
});
