// The module-pool contract on every runtime (thread, process, inline): failures before any call runs: a module that is missing, broken or throws, and bad options.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createPool, InvalidOptionError, MethodNotFoundError, ModuleLoadError, type PoolOptions } from 'workforcejs';
import { MODULE } from '../pools.js';
import { forEachRuntime, moduleFile } from './matrix.js';

forEachRuntime(({ runtime, pool }) => {
  describe(`module pool (${runtime}): load and option errors`, () => {
    it('a missing module throws ModuleLoadError synchronously from createPool', () => {
      const missing = join(tmpdir(), 'mp-definitely-missing', 'nope.mjs');
      assert.throws(
        () => pool({ module: missing }),
        (e: ModuleLoadError) => {
          assert.ok(e instanceof ModuleLoadError);
          assert.match(e.message, /nope\.mjs/);
          return true;
        },
      );
      assert.throws(() => pool({ module: pathToFileURL(missing) }), ModuleLoadError);
    });

    it('a module with a syntax error: calls reject with ModuleLoadError naming the module', async () => {
      const broken = moduleFile('broken.mjs', 'export default function (a {\n  return a;\n');
      const p = pool({ module: broken });
      try {
        await assert.rejects(p.run(1), (e: ModuleLoadError) => {
          assert.ok(e instanceof ModuleLoadError, `got ${e?.name}: ${e?.message}`);
          assert.match(e.message, /broken\.mjs/);
          assert.match(e.message, /SyntaxError/);
          return true;
        });
        await assert.rejects(p.runMethod('x'), ModuleLoadError);
      } finally {
        await p.close();
      }
      assert.equal(p.workers.length, 0);
      // another pool on a good module is unaffected
      const good = pool();
      try {
        assert.equal(await good.run(1, 2, 3), 6);
      } finally {
        await good.close();
      }
    });

    it('a module that throws while loading: calls reject with ModuleLoadError', async () => {
      const throwing = moduleFile('throws.mjs', "throw new Error('top-level failure');\nexport default () => 1;\n");
      const p = pool({ module: throwing });
      try {
        await assert.rejects(p.run(), (e: ModuleLoadError) => {
          assert.ok(e instanceof ModuleLoadError, `got ${e?.name}: ${e?.message}`);
          assert.match(e.message, /top-level failure/);
          return true;
        });
      } finally {
        await p.close();
      }
    });

    it('run() on a module with neither a default export nor workerEntrypoint is a MethodNotFoundError', async () => {
      const named = moduleFile('named.mjs', 'export const twice = (x) => 2 * x;\n');
      const p = pool({ module: named });
      try {
        await assert.rejects(p.run(1), MethodNotFoundError);
        assert.equal(await p.runMethod('twice', 4), 8);
      } finally {
        await p.close();
      }
    });

    it('bad options throw InvalidOptionError from createPool', () => {
      const bad: [string, Partial<PoolOptions>][] = [
        ['numberOfWorkers', { numberOfWorkers: 0 }],
        ['numberOfWorkers', { numberOfWorkers: 1.5 }],
        ['numberOfWorkers', { numberOfWorkers: -2 }],
        ['concurrency', { concurrency: 0 }],
        ['maxConcurrentCalls', { maxConcurrentCalls: 0 }],
        ['maxRetries', { maxRetries: -1 }],
        ['timeout', { timeout: -5 }],
        ['runtime', { runtime: 'fiber' as 'thread' }],
        ['killTimeout', { killTimeout: -1 }],
        ['serializer', { serializer: 'yaml' }],
      ];
      for (const [option, options] of bad) {
        assert.throws(
          () => createPool({ module: MODULE, runtime, ...options }),
          (e: InvalidOptionError) => {
            assert.ok(e instanceof InvalidOptionError, `${option}: got ${e?.name}: ${e?.message}`);
            assert.equal(e.option, option);
            return true;
          },
          option,
        );
      }
      assert.throws(() => createPool({ module: 42 as unknown as string, runtime }), InvalidOptionError);
      assert.throws(() => createPool(undefined as unknown as PoolOptions), InvalidOptionError);
    });
  });
});
