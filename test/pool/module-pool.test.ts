// The module pool on worker threads only: transfer lists move buffers, resourceLimits, and no
// thread (MessagePort, Worker handle) left behind. What every runtime does — calls, module formats,
// aborts, broadcast, hooks, messages, options, lifecycle, errors — is the contract/ folder (one file per concern, on every runtime).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CallMaxRetryError, ModuleLoadError, type ModulePool, PoolClosedError, type PoolOptions, TaskAbortedError, WorkerCrashError } from 'workforcejs';
import { eventually, tempDirs } from '../helpers.js';
import { collect, modulePool, nextMessage, type Who } from './pools.js';

const tmp = tempDirs('workforce-thread-');

/** A one-worker thread pool of mp-esm.mjs (execArgv []: no tsx loader in the threads). */
function pool(options: Partial<PoolOptions> = {}): ModulePool {
  return modulePool('thread', options);
}

/** Count of resources that mean a live worker thread (its MessagePorts, the Worker handle). */
function threadResources(): number {
  return process.getActiveResourcesInfo().filter((r) => /MessagePort|Worker/i.test(r)).length;
}

describe('module pool (thread): transfer lists', () => {
  it('moves an ArrayBuffer to the worker (detached in the parent)', async () => {
    const p = pool();
    try {
      const moved = new Uint8Array([1, 2, 3, 4]).buffer;
      const result = await p.addTask({ kind: 'buffer', buffer: moved }, { method: 'task', transfer: [moved] });
      assert.deepEqual(result, { byteLength: 4, sum: 10 });
      assert.equal(moved.byteLength, 0, 'the buffer was transferred, not copied');

      const copied = new Uint8Array([5, 5]).buffer;
      assert.deepEqual(await p.addTask({ kind: 'buffer', buffer: copied }, { method: 'task' }), { byteLength: 2, sum: 10 });
      assert.equal(copied.byteLength, 2, 'without a transfer list the buffer is copied');
    } finally {
      await p.close();
    }
  });
});

describe('module pool (thread): resourceLimits', () => {
  it('resourceLimits: a thread over its heap limit dies, the call rejects typed, the pool serves again', async () => {
    const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 }, maxRetries: 0 });
    try {
      const before = await p.runMethod<Who>('whoami');
      await assert.rejects(p.runMethod('hog'), (e: WorkerCrashError) => {
        assert.ok(e instanceof WorkerCrashError, `got ${e?.name}: ${e?.message}`);
        assert.match(e.message, /memory/i);
        assert.equal(e.workerId, before.workerId);
        return true;
      });
      const next = await p.runMethod<Who>('whoami');
      assert.notEqual(next.threadId, before.threadId, 'a new thread replaced the dead one');
      assert.equal(await p.run(1, 2, 3), 6);
    } finally {
      await p.close();
    }
  });

  it('resourceLimits with retries: the crash is retried, then CallMaxRetryError carries the crash', async () => {
    const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 }, maxRetries: 1 });
    try {
      await assert.rejects(p.runMethod('hog'), (e: CallMaxRetryError) => {
        assert.ok(e instanceof CallMaxRetryError, `got ${e?.name}: ${e?.message}`);
        assert.equal(e.attempts, 2);
        assert.ok(e.reason instanceof WorkerCrashError);
        return true;
      });
      assert.equal(await p.run(1, 2, 3), 6);
    } finally {
      await p.close();
    }
  });
});

describe('module pool (thread): no leaks', () => {
  it('close() leaves no thread behind', async () => {
    const baseline = threadResources();
    const p = pool({ numberOfWorkers: 2 });
    try {
      const pongs = collect(p, 'pong');
      const [whos] = await p.broadcastMethod<Who>('whoami');
      assert.equal(whos.length, 2);
      p.postMessageToWorkers('ping', 1);
      await eventually(() => pongs.length === 2);
      await Promise.all([p.run(1, 2, 3), p.runMethod('sleep', 50), p.runMethod('fail', 'x').catch(() => {})]);
      assert.ok(threadResources() > baseline, 'live threads show up as resources');
      await p.close();
      assert.equal(p.workers.length, 0);
      assert.equal(p.stats.workers, 0);
      assert.equal(threadResources(), baseline, `left behind: ${process.getActiveResourcesInfo().join(', ')}`);
    } finally {
      await p.kill();
    }
  });

  it('close() after a module load failure leaves no thread behind', async () => {
    const throwing = join(tmp(), 'throws.mjs');
    writeFileSync(throwing, "throw new Error('load failure');\n");
    const baseline = threadResources();
    for (let i = 0; i < 2; i++) {
      const p = pool({ module: throwing });
      try {
        await assert.rejects(p.run(), ModuleLoadError);
      } finally {
        await p.close();
      }
      assert.equal(p.workers.length, 0);
      assert.equal(threadResources(), baseline, `round ${i}, left behind: ${process.getActiveResourcesInfo().join(', ')}`);
    }
  });

  it('close() right after a stuck worker is terminated waits for that thread too', async () => {
    const baseline = threadResources();
    const p = pool({ numberOfWorkers: 1, cancelGracePeriod: 0 });
    try {
      const ac = new AbortController();
      const started = nextMessage(p, 'task-started');
      const stuck = p.addTask({ kind: 'stubborn', id: 's', ms: 2000 }, { method: 'task', signal: ac.signal });
      stuck.catch(() => {});
      await started;
      ac.abort(); // grace 0: the worker is terminated now
      await assert.rejects(stuck, TaskAbortedError);
      await p.close();
      assert.equal(p.workers.length, 0);
      assert.equal(threadResources(), baseline, `left behind: ${process.getActiveResourcesInfo().join(', ')}`);
    } finally {
      await p.kill();
    }
  });

  it('kill() and a replaced worker leave no thread behind either', async () => {
    const baseline = threadResources();
    const p = pool({ numberOfWorkers: 2, cancelGracePeriod: 50 });
    try {
      const ac = new AbortController();
      const started = nextMessage(p, 'task-started');
      const stuck = p.addTask({ kind: 'stubborn', id: 's', ms: 3000 }, { method: 'task', signal: ac.signal });
      stuck.catch(() => {});
      await started;
      ac.abort();
      await assert.rejects(stuck, TaskAbortedError);
      await p.broadcast(0, 0, 0);
      const slow = p.runMethod('sleep', 2000);
      slow.catch(() => {});
      await p.kill();
      await assert.rejects(slow, PoolClosedError);
      assert.equal(p.workers.length, 0);
      assert.equal(threadResources(), baseline, `left behind: ${process.getActiveResourcesInfo().join(', ')}`);
    } finally {
      await p.kill();
    }
  });
});
