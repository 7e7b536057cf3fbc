// The module-pool contract on every runtime (thread, process, inline): worker hooks: onWorkerStart before the first call, onWorkerExit on close.
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixture } from '../../helpers.js';
import { collect, identity, nextMessage, type Who, workerIdentity } from '../pools.js';
import { forEachRuntime, tmp } from './matrix.js';

forEachRuntime(({ runtime, pool }) => {
  describe(`module pool (${runtime}): hooks`, () => {
    it('onWorkerStart runs before the first call and onWorkerExit runs on close (exports)', async () => {
      const dir = tmp();
      const p = pool({ numberOfWorkers: 2, workerData: { hookDir: dir } });
      const started = collect<Who>(p, 'started');
      try {
        const [startedBy] = await p.broadcastMethod<number>('getStartedBy');
        assert.deepEqual([...startedBy].sort(), [1, 2], 'onWorkerStart ran in each worker before its first call');
        // posted by onWorkerStart, before the worker was ready: in by the time a call answered
        assert.deepEqual(started.map((m) => m.content.workerId).sort(), [1, 2]);
        assert.deepEqual(started.map((m) => m.workerId).sort(), [1, 2]);
        assert.deepEqual(new Set(started.map((m) => identity(runtime, m.content))), new Set(p.workers.map((w) => workerIdentity(runtime, w))));
        assert.equal(readFileSync(join(dir, 'start-1'), 'utf8'), '1');
        assert.equal(existsSync(join(dir, 'exit-1')), false, 'no exit hook while running');
        await p.close();
        assert.equal(readFileSync(join(dir, 'exit-1'), 'utf8'), '1');
        assert.equal(readFileSync(join(dir, 'exit-2'), 'utf8'), '2');
      } finally {
        await p.close();
      }
    });

    it('hooks given as properties of the default export (async onWorkerStart awaited)', async () => {
      const dir = tmp();
      const p = pool({ module: fixture('mp-hooks-prop.mjs'), workerData: { hookDir: dir } });
      const started = nextMessage<number>(p, 'prop-started');
      try {
        assert.deepEqual(await p.run('v'), { x: 'v', started: true }, 'the first call ran after the async hook finished');
        assert.equal(await started, 1);
        await p.close();
        assert.equal(readFileSync(join(dir, 'prop-exit-1'), 'utf8'), 'bye');
      } finally {
        await p.close();
      }
    });
  });
});
