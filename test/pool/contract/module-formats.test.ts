// The module-pool contract on every runtime (thread, process, inline): the module formats a pool loads: CommonJS, TypeScript, file: URLs, workerEntrypoint.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { MethodNotFoundError } from 'workforcejs';
import { fixture } from '../../helpers.js';
import { MODULE, nextMessage } from '../pools.js';
import { forEachRuntime } from './matrix.js';

forEachRuntime(({ runtime, pool }) => {
  describe(`module pool (${runtime}): module formats`, () => {
    it('loads a CommonJS module written as `module.exports = fn; module.exports.foo = …`', async () => {
      const p = pool({ module: fixture('mp-cjs.cjs') });
      try {
        assert.equal(await p.run(6, 7), 42, 'run() calls module.exports itself');
        assert.equal(await p.runMethod('foo', 'x'), 'foo:x');
        assert.equal(await p.runMethod('asyncDouble', 21), 42);
        assert.equal(await p.runMethod('whoami'), 1, "require('workforcejs/worker') speaks for this worker");
        assert.equal(await p.runMethod('kind'), 'cjs');
        await assert.rejects(p.runMethod('fail'), (e: Error & { code?: string }) => {
          assert.ok(e instanceof TypeError);
          assert.equal(e.message, 'cjs failure');
          assert.equal(e.code, 'E_CJS');
          return true;
        });
        await assert.rejects(p.runMethod('notAFunction'), MethodNotFoundError);
        assert.equal(await p.run(2, 3), 6, 'still serving');
      } finally {
        await p.close();
      }
    });

    it('loads a CommonJS exports object: run() falls back to workerEntrypoint, hooks are found', async () => {
      const p = pool({ module: fixture('mp-cjs-object.cjs') });
      const started = nextMessage(p, 'cjs-started');
      try {
        assert.deepEqual(await p.run('x'), { entry: 'x', workerId: 1 });
        assert.equal(await p.runMethod('square', 9), 81);
        assert.equal(await started, 1);
      } finally {
        await p.close();
      }
    });

    it('loads a TypeScript module (types, enum, generics) with no loader configured', async () => {
      // Threads and processes get no `--import tsx` (see modulePool): the pool itself must make .ts
      // load. (Inline runs in this test process, which has tsx loaded anyway.)
      const p = pool({ module: fixture('mp-typed.ts') });
      try {
        assert.equal(await p.run(40, 2), 42);
        assert.equal(await p.runMethod('greet', { first: 'Ada', last: 'Lovelace', age: 36 }), 'Hello, Ada Lovelace (36)');
        assert.equal(await p.runMethod('greet', { first: 'Grace', last: 'Hopper' }), 'Hello, Grace Hopper');
        assert.equal(await p.runMethod('greet', { first: 'Alan', last: 'Turing' }, 'Hi'), 'Hi, Alan Turing');
        assert.deepEqual(await p.runMethod('swap', [1, 2]), [2, 1]);
        assert.equal(await p.runMethod('whoami'), 1);
        await assert.rejects(p.runMethod('fail', 'typed'), { name: 'Error', message: 'typed', code: 'E_TS' });
        assert.equal(await p.run(1, 1), 2);
      } finally {
        await p.close();
      }
    });

    it('accepts a file: URL as the module', async () => {
      const p = pool({ module: pathToFileURL(MODULE) });
      try {
        assert.equal(await p.run(1, 1, 1), 3);
      } finally {
        await p.close();
      }
    });

    it('uses a `workerEntrypoint` export when there is no default export, with its hooks', async () => {
      const p = pool({ module: fixture('mp-entrypoint.mjs') });
      const started = nextMessage<number>(p, 'entry-started');
      try {
        assert.deepEqual(await p.run(5), { via: 'workerEntrypoint', arg: 5 });
        const viaTask = await p.addTask<{ via: string; arg: unknown; taskId: number }>({ a: 1 });
        assert.equal(viaTask.via, 'workerEntrypoint');
        assert.deepEqual(viaTask.arg, { a: 1 });
        assert.equal(typeof viaTask.taskId, 'number');
        assert.equal(await p.runMethod('other', 'y'), 'other:y:1');
        assert.equal(await started, 1, 'workerEntrypoint.onWorkerStart ran');
        // workerContext.addTask queues a nested task; one worker, concurrency 1, and no deadlock.
        const nested = await p.runMethod<{ outer: number; inner: { via: string; arg: unknown } }>('nested', 'deep');
        assert.equal(nested.outer, 1);
        assert.equal(nested.inner.via, 'workerEntrypoint');
        assert.equal(nested.inner.arg, 'deep');
      } finally {
        await p.close();
      }
    });
  });
});
