// What user code throws is untrusted input too: an error that is its own cause, a cause chain
// 100,000 deep, a field whose getter throws, a thrown Proxy whose traps throw. Each call rejects
// once with an Error saying what it could, is not retried (a thrown error never is, unless
// retryOnError), kills no worker, and — on the main thread (runtime 'inline', affinity 'main') —
// never takes the host process down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, WorkforceError } from 'workforcejs';
import { fixture, RUNTIMES } from '../helpers.js';

const MODULE = fixture('hostile-errors.mjs');
const CASES: [method: string, message: RegExp][] = [
  ['selfCause', /^wrapped$/],
  ['deepCause', /^level 99999$/],
  ['getterField', /^has a bad field$/],
  ['proxy', /could not be read|unreadable/],
];

describe('errors user code throws that a serializer could choke on', () => {
  for (const runtime of [...RUNTIMES, 'inline'] as const) {
    it(`each rejects once with an Error; no retry, no crash, the pool serves on (${runtime})`, async () => {
      const pool = createPool({ module: MODULE, runtime, numberOfWorkers: 1, maxRetries: 3, execArgv: [], fork: { execArgv: [] } });
      let crashes = 0;
      pool.on('exit', (_worker, _code, _signal, { planned }) => {
        if (!planned) crashes++;
      });
      try {
        for (const [method, message] of CASES) {
          const error = await pool.runMethod(method).then(
            () => assert.fail(`${method} resolved`),
            (e: unknown) => e,
          );
          assert.ok(error instanceof Error, `${method}: ${String(error)}`);
          assert.ok(!(error instanceof WorkforceError), `${method}: the user's error, not the pool's (${(error as Error).name})`);
          assert.match((error as Error).message, message, method);
        }
        // inline: the module is the main thread's own, shared with the affinity 'main' test below
        assert.equal(await pool.runMethod('runsSoFar'), CASES.length, 'each ran once: none was retried as a crash');
        assert.equal(crashes, 0, 'no worker died');
      } finally {
        await pool.close();
      }
    });
  }

  it("on the main thread through affinity 'main' of a thread pool: the host process lives on", async () => {
    const pool = createPool({ module: MODULE, numberOfWorkers: 1, execArgv: [] });
    try {
      // (the main thread shares the module with the inline pool above: count from here)
      const before = (await pool.addTask(null, { method: 'runsSoFar', affinity: 'main' })) as number;
      for (const [method, message] of CASES) {
        await assert.rejects(pool.addTask(null, { method, affinity: 'main' }), (e: unknown) => e instanceof Error && message.test(e.message), method);
      }
      assert.equal(await pool.addTask(null, { method: 'runsSoFar', affinity: 'main' }), before + CASES.length);
    } finally {
      await pool.close();
    }
  });
});
