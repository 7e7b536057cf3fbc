// Issue 19: a relative `module` path is resolved against process.cwd(); when it does not exist,
// the error says which directory was searched (and how to name a file next to the caller).
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { createPool, ModuleLoadError } from 'workforcejs';
import { fixture } from '../helpers.js';

describe('relative module paths', () => {
  it('resolve against process.cwd()', async () => {
    const path = relative(process.cwd(), fixture('basic.mjs'));
    assert.ok(!path.startsWith('/'), path);
    const pool = createPool({ module: path, numberOfWorkers: 1, execArgv: [] });
    try {
      assert.equal(await pool.run(1, 2, 3), 6);
      assert.equal(pool.modulePath, fixture('basic.mjs'));
    } finally {
      await pool.close();
    }
  });

  it('that do not exist name the directory searched', () => {
    for (const module of ['./no-such-worker.mjs', 'lib/no-such-worker.mjs']) {
      assert.throws(
        () => createPool({ module }),
        (e: unknown) => {
          assert.ok(e instanceof ModuleLoadError, String(e));
          assert.ok(e.message.includes(`process.cwd() = ${process.cwd()}`), e.message);
          assert.ok(e.message.includes(JSON.stringify(module)), e.message);
          assert.match(e.message, /new URL\('\.\/[^']+', import\.meta\.url\)/);
          return true;
        },
      );
    }
  });

  it('an absolute path that does not exist is reported as before, without a cwd hint', () => {
    assert.throws(
      () => createPool({ module: fixture('no-such-worker.mjs') }),
      (e: unknown) => e instanceof ModuleLoadError && !e.message.includes('process.cwd()'),
    );
  });
});
