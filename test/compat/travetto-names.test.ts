// travetto's names in workforcejs/compat: WorkPool's reading of `active` (busy, false until the first
// call), shutdown(), and channels / spawnedWorker with listenFor and listenOnce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParentChannel as CoreParentChannel, type PoolWorker } from 'workforcejs';
import { ParentChannel, spawnedWorker, WorkPool, WorkUtil } from 'workforcejs/compat';
import { fixture, pidAlive } from '../helpers.js';

describe("travetto's WorkPool", () => {
  it('reads `active` as travetto does: false before the first call is not a death; false after a call replaces the worker', async () => {
    // travetto v1's ImageProcessor: active is false until execute() sets it, and false again after
    class ImageProcessor implements PoolWorker<string, string> {
      active = false;
      #calls = 0; // a private field: methods must run on the object itself, not on a view of it
      constructor(readonly id: number) {}
      async execute(path: string): Promise<string> {
        this.active = true;
        this.#calls++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        this.active = false;
        return `converted ${path} (${this.#calls})`;
      }
      destroy(): void {}
    }
    const made: ImageProcessor[] = [];
    const pool = new WorkPool<string, string, ImageProcessor>(({ id }) => made[made.push(new ImageProcessor(id)) - 1], { max: 1 });
    try {
      assert.deepEqual(await Promise.all(['a.png', 'b.png', 'c.png'].map((p) => pool.submit(p))), [
        'converted a.png (1)',
        'converted b.png (1)',
        'converted c.png (1)',
      ]);
      assert.ok(made.length >= 3, 'an inactive worker is replaced after its call, as travetto does');
      assert.ok(pool.workers.every((w) => w instanceof ImageProcessor));
    } finally {
      await pool.shutdown();
    }
    assert.equal(pool.closed, true);
  });
});

describe("travetto's channel names", () => {
  it("spawnedWorker's handlers get a channel with listenFor / listenOnce; the child uses ChildChannel.listenFor", async () => {
    const pids: number[] = [];
    const pool = new WorkPool<number, number>(
      () =>
        spawnedWorker<number, number>(fixture('travetto-child.mjs'), {
          handlers: {
            init: (channel) => {
              assert.ok(channel instanceof ParentChannel && channel instanceof CoreParentChannel);
              return channel.listenOnce('ready');
            },
            async execute(channel, input) {
              const answer = channel.listenOnce('response');
              channel.send('request', { data: input });
              const { data, pid } = await answer;
              pids.push(pid);
              return data;
            },
          },
        }),
      { max: 1 },
    );
    try {
      assert.deepEqual(await Promise.all([1, 2, 3].map((n) => pool.submit(n))), [2, 4, 6]);
      assert.equal(WorkUtil.spawnedWorker, spawnedWorker);
    } finally {
      await pool.shutdown();
    }
    for (const pid of pids) assert.equal(pidAlive(pid), false);
  });

  it('listenFor passes an unsubscribe function, as on() does', async () => {
    const { fork } = await import('node:child_process');
    const channel = new ParentChannel(fork(fixture('travetto-child.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    try {
      await channel.listenOnce('ready');
      const seen: number[] = [];
      const done = new Promise<void>((resolve) => {
        channel.listenFor('response', ({ data }, unsubscribe) => {
          seen.push(data);
          unsubscribe();
          resolve();
        });
      });
      channel.send('request', { data: 5 });
      await done;
      assert.deepEqual(seen, [10]);
      assert.equal(channel.listenerCount, 0);
    } finally {
      await channel.destroy();
    }
  });
});
