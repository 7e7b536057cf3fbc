// The module-pool contract on every runtime (thread, process, inline): messages both ways between the pool and its workers (postMessageToPool, postMessageToWorkers, onMessage).
// The runtime matrix and what differs between runtimes are in ./matrix.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerializationError } from 'workforcejs';
import { eventually, sleep } from '../../helpers.js';
import { collect, identity, type Who } from '../pools.js';
import { forEachRuntime } from './matrix.js';

forEachRuntime(({ runtime, pool, clones }) => {
  describe(`module pool (${runtime}): messages`, () => {
    it('postMessageToPool → onMessage with the sender id, and the message event', async () => {
      const p = pool({ numberOfWorkers: 2 });
      const ticks = collect<number>(p, 'tick');
      const events: unknown[][] = [];
      p.on('message', (worker: { id: number }, type: string, content: unknown) => events.push([worker.id, type, content]));
      try {
        await p.broadcast(0, 0, 0); // both online
        assert.equal(await p.addTask(3, { method: 'emit', affinity: 2, affinityStrength: 'force' }), 3);
        // Messages sent before the result travel the same channel: they are in by now.
        assert.deepEqual(
          ticks.map((t) => [t.workerId, t.content]),
          [
            [2, 0],
            [2, 1],
            [2, 2],
          ],
        );
        assert.deepEqual(
          events.filter((e) => e[1] === 'tick'),
          [
            [2, 'tick', 0],
            [2, 'tick', 1],
            [2, 'tick', 2],
          ],
        );
      } finally {
        await p.close();
      }
    });

    it('onMessage returns an unsubscribe function', async () => {
      const p = pool();
      try {
        const seen: unknown[] = [];
        const off = p.onMessage('tick', (c) => seen.push(c));
        await p.runMethod('emit', 1);
        off();
        await p.runMethod('emit', 2);
        assert.deepEqual(seen, [0]);
      } finally {
        await p.close();
      }
    });

    it('postMessageToWorkers reaches the listeners of every worker', async () => {
      const p = pool({ numberOfWorkers: 2 });
      const pongs = collect<{ content: unknown; workerId: number; atLoad?: true }>(p, 'pong');
      try {
        await p.broadcast(0, 0, 0); // both online
        p.postMessageToWorkers('ping', { hello: 'workers' });
        await eventually(() => pongs.length >= 2);
        await sleep(30);
        assert.equal(pongs.length, 2);
        assert.deepEqual(pongs.map((m) => m.content.workerId).sort(), [1, 2]);
        for (const m of pongs) {
          assert.deepEqual(m.content.content, { hello: 'workers' });
          assert.equal(m.workerId, m.content.workerId, 'onMessage gets the sender id');
        }
        // A listener the module registered with workerContext.onMessage while it loaded: each thread
        // or process loads the module for its own worker. Inline workers share one import of it, so
        // such a listener hears for the worker that loaded it only (not tested here).
        if (runtime !== 'inline') {
          pongs.length = 0;
          p.postMessageToWorkers('ping-at-load', 'loaded');
          await eventually(() => pongs.length >= 2);
          await sleep(30);
          assert.deepEqual(pongs.map((m) => [m.workerId, m.content.workerId, m.content.content, m.content.atLoad]).sort(), [
            [1, 1, 'loaded', true],
            [2, 2, 'loaded', true],
          ]);
        }
      } finally {
        await p.close();
      }
    });

    it('a message sent right after createPool (workers not ready yet) is delivered; later ones too', async () => {
      const p = pool({ numberOfWorkers: 2 });
      const pongs = collect<{ content: unknown; workerId: number }>(p, 'pong');
      const ticks = collect<number>(p, 'tick');
      try {
        p.postMessageToWorkers('ping', 'early');
        await p.broadcast(0, 0, 0);
        await eventually(() => pongs.length >= 2, 3000).catch(() => {});
        assert.deepEqual(
          pongs.map((m) => [m.content.content, m.content.workerId]).sort(),
          [
            ['early', 1],
            ['early', 2],
          ],
          'the early message reached both workers',
        );
        p.postMessageToWorkers('ping', 'late');
        await eventually(() => pongs.length >= 4);
        for (const m of pongs) assert.equal(m.workerId, m.content.workerId);
        assert.equal(await p.runMethod('emit', 3), 3);
        assert.deepEqual(
          ticks.map((t) => t.content),
          [0, 1, 2],
        );
      } finally {
        await p.close();
      }
    });

    // Inline messages are passed by reference: nothing to clone, nothing that cannot be (see
    // inline.test.ts).
    if (clones) {
      it('unserializable messages: SerializationError both ways, and the pool keeps serving', async () => {
        const p = pool();
        const errors: unknown[] = [];
        p.on('error', (_worker: unknown, error: unknown) => errors.push(error));
        try {
          assert.throws(() => p.postMessageToWorkers('ping', () => 1), SerializationError, 'before the worker exists');
          const before = await p.runMethod<Who>('whoami');
          assert.throws(() => p.postMessageToWorkers('ping', () => 1), SerializationError, 'to a live worker');
          await assert.rejects(p.runMethod('postBad'), SerializationError);
          assert.equal(await p.run(1, 2, 3), 6);
          assert.equal(identity(runtime, await p.runMethod<Who>('whoami')), identity(runtime, before));
          assert.deepEqual(errors, [], 'no worker failed to start because of a message');
        } finally {
          await p.close();
        }
      });
    }
  });
});
