// The module-pool contract on every runtime (thread, process, inline): ctx.addTask: a task queues more tasks in its own pool.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachRuntime } from './matrix.js';

forEachRuntime(({ runtime, pool }) => {
  describe(`module pool (${runtime}): nested tasks`, () => {
    it('ctx.addTask queues nested tasks in the pool; ctx speaks for its one worker', async () => {
      const p = pool();
      try {
        const info = await p.addTask<{ workerId: number }>({ kind: 'ctx' }, { method: 'task' });
        assert.equal(info.workerId, 1);
        assert.deepEqual(await p.addTask({ kind: 'nested', values: [1, 2, 3] }, { method: 'task' }), [2, 4, 6]);
      } finally {
        await p.close();
      }
    });
  });
});
