// The module-pool contract on every runtime (thread, process, inline): broadcast / broadcastMethod: every worker is reached and each failure is reported.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MethodNotFoundError } from 'workforcejs';
import { identity, pids, type Who } from '../pools.js';
import { forEachRuntime } from './matrix.js';

forEachRuntime(({ runtime, pool }) => {
  describe(`module pool (${runtime}): broadcast`, () => {
    it('broadcast / broadcastMethod reach every worker and report failures', async () => {
      const p = pool({ numberOfWorkers: 2 });
      try {
        const [sums, sumFailures] = await p.broadcast(1, 2, 3);
        assert.deepEqual(sums, [6, 6]);
        assert.deepEqual(sumFailures, []);

        const [whos, failures] = await p.broadcastMethod<Who>('whoami');
        assert.deepEqual(failures, []);
        assert.equal(whos.length, 2);
        assert.deepEqual(whos.map((w) => w.workerId).sort(), [1, 2], 'distinct worker ids');
        assert.equal(new Set(whos.map((w) => identity(runtime, w))).size, 2, `distinct ${runtime} workers`);
        if (runtime === 'process') assert.deepEqual(new Set(whos.map((w) => w.pid)), new Set(pids(p)));

        const [ok, bad] = await p.broadcastMethod('failOn', 1);
        assert.deepEqual(ok, [2]);
        assert.equal(bad.length, 1);
        assert.ok(bad[0] instanceof Error);
        assert.equal(bad[0].message, 'refused on worker 1');

        const [none, missing] = await p.broadcastMethod('noSuchMethod');
        assert.deepEqual(none, []);
        assert.equal(missing.length, 2);
        for (const e of missing) assert.ok(e instanceof MethodNotFoundError);

        assert.equal(await p.run(1, 1, 1), 3, 'still serving');
      } finally {
        await p.close();
      }
    });
  });
});
