// Nested tasks (workerContext.addTask inside a worker): accepted while close() lets running calls
// finish, cancellable with a signal, and aborted with the task that queued them or its worker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool, type ModulePool, PoolClosedError, type PoolOptions, TaskAbortedError, WorkPool } from 'workforcejs';
import { fixture, sleep } from '../helpers.js';
import { nextMessage } from './pools.js';

const MODULE = fixture('nested-worker.mjs');

/** execArgv [] keeps the test runner's tsx loader out of threads and processes (faster starts). */
function pool(runtime: 'thread' | 'process' | 'inline', options: Partial<PoolOptions> = {}): ModulePool {
  return createPool({ module: MODULE, runtime, numberOfWorkers: 2, execArgv: [], fork: { execArgv: [] }, ...options });
}

/** Waits until every worker is up, so that timings below count from a running task. */
async function started(p: ModulePool): Promise<ModulePool> {
  await p.broadcast({ op: 'leaf', v: 0 });
  return p;
}

interface ChildReport {
  id: string;
  ended: 'done' | 'aborted';
  ran: number;
}

/** The report of child `id` (how its nested task ended, after how long). */
function childReport(p: ModulePool, id: string, ms = 4000): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`child ${id} did not end within ${ms} ms (it was not cancelled)`));
    }, ms);
    const off = p.onMessage('child', (content) => {
      const report = content as ChildReport;
      if (report.id !== id) return;
      clearTimeout(timer);
      off();
      resolve(report);
    });
  });
}

/** Resolves when child `id` has started running (so that cancelling its parent finds it running). */
function childStarted(p: ModulePool, id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = p.onMessage('child-started', (content) => {
      if (content !== id) return;
      off();
      resolve();
    });
  });
}

/** A WorkPool of one worker whose calls wait `n` ms; `nested()` is WorkPool's subclass API submitNested(). */
class Sleeper extends WorkPool<number, number> {
  constructor() {
    super(
      ({ id }) => ({
        id,
        active: true,
        execute: async (n: number) => {
          await sleep(n);
          return n;
        },
        destroy() {},
      }),
      { maxWorkers: 1 },
    );
  }

  nested(n: number): Promise<number> {
    return this.submitNested(n);
  }
}

function sleeper(): Sleeper {
  return new Sleeper();
}

describe('nested tasks while the pool closes', () => {
  for (const runtime of ['thread', 'process', 'inline'] as const) {
    it(`close() lets a running call queue nested tasks and finish (${runtime})`, async () => {
      const p = pool(runtime, { numberOfWorkers: 1 });
      try {
        assert.equal(await p.addTask({ op: 'leaf', v: 1 }), 2);
        const call = p.addTask({ op: 'late-parent', wait: 200 });
        await sleep(50); // running: its nested tasks come while close() waits for it
        await p.close();
        assert.deepEqual(await call, [2, 4]);
      } finally {
        await p.close();
      }
    });
  }

  it('close() takes nested tasks while running calls finish; kill(), close({ force }) and stopped workers refuse them', async () => {
    const draining = sleeper();
    const running = draining.submit(150);
    await sleep(20);
    const closed = draining.close();
    await assert.rejects(draining.submit(1), PoolClosedError, 'a new call is refused');
    assert.equal(await draining.nested(5), 5, 'a nested task is taken and run');
    assert.equal(await running, 150);
    await closed;
    await assert.rejects(draining.nested(1), PoolClosedError, 'the workers are gone');

    const killed = sleeper();
    const doomed = killed.submit(150).catch((e: unknown) => e);
    await sleep(20);
    const gone = killed.kill();
    await assert.rejects(killed.nested(1), PoolClosedError);
    assert.ok((await doomed) instanceof PoolClosedError);
    await gone;

    const forced = sleeper();
    const finishing = forced.submit(150);
    await sleep(20);
    const stopped = forced.close({ force: true });
    await assert.rejects(forced.nested(1), PoolClosedError);
    assert.equal(await finishing, 150);
    await stopped;
  });

  it("addTask(…, { affinity: 'main' }) on a closed pool is refused without starting a main-thread worker", async () => {
    const p = pool('thread', { numberOfWorkers: 1 });
    await p.close();
    await assert.rejects(p.addTask({ op: 'where' }, { affinity: 'main' }), PoolClosedError);
    assert.equal(p.workers.length, 0);
  });
});

describe('cancelling nested tasks', () => {
  for (const runtime of ['thread', 'process', 'inline'] as const) {
    it(`addTask(arg, { signal }) in a worker: the call rejects with TaskAbortedError and the pool cancels the task (${runtime})`, async () => {
      const p = await started(pool(runtime));
      try {
        const ended = childReport(p, `own-${runtime}`);
        const result = await p.addTask<{ outcome: string; ms: number }>({ op: 'own-signal', id: `own-${runtime}`, after: 100 });
        assert.equal(result.outcome, 'TaskAbortedError');
        assert.ok(result.ms < 1000, `rejected when its signal fired, not when the child ended (${result.ms} ms)`);
        const report = await ended;
        assert.equal(report.ended, 'aborted', 'the nested task was cancelled in the pool');
        assert.ok(report.ran < 1500, `stopped after ${report.ran} ms`);
        assert.equal(await p.addTask({ op: 'pre-aborted', id: 'pre' }), 'TaskAbortedError', 'an aborted signal refuses at once');
        assert.equal(await p.addTask({ op: 'bad-signal', id: 'bad' }), 'InvalidOptionError');
        await p.whenIdle();
        assert.equal(p.stats.running, 0);
      } finally {
        await p.close();
      }
    });

    it(`aborting the parent task aborts the nested tasks it queued (${runtime})`, async () => {
      const p = await started(pool(runtime));
      try {
        for (const op of ['parent-sync', 'parent-ctx'] as const) {
          const id = `${op}-${runtime}`;
          const ended = childReport(p, id);
          const controller = new AbortController();
          const running = childStarted(p, id);
          const parent = p.addTask({ op, id }, { signal: controller.signal });
          await running;
          controller.abort();
          await assert.rejects(parent, TaskAbortedError);
          assert.equal((await ended).ended, 'aborted', `${op}: the child was cancelled`);
          await p.whenIdle();
        }
      } finally {
        await p.close();
      }
    });
  }

  it('a parent that times out takes its nested tasks with it', async () => {
    // the child starts 400 ms into its parent: cancelled at the parent's timeout (~200 ms in), before its own (600 ms)
    const p = await started(pool('thread', { timeout: 600, maxRetries: 0 }));
    try {
      const ended = childReport(p, 'timeout');
      await assert.rejects(p.addTask({ op: 'parent-ctx', id: 'timeout', delay: 400 }), { name: 'TimeoutError' });
      const report = await ended;
      assert.equal(report.ended, 'aborted');
      assert.ok(report.ran < 450, `cancelled with its parent, not by its own timeout (ran ${report.ran} ms)`);
    } finally {
      await p.close();
    }
  });

  it('a parent that ignores its signal: its nested tasks are aborted all the same', async () => {
    const p = await started(pool('process', { cancelGracePeriod: 5000 }));
    try {
      const ended = childReport(p, 'stubborn');
      const controller = new AbortController();
      const running = childStarted(p, 'stubborn');
      const parent = p.addTask({ op: 'parent-sync', id: 'stubborn', ignoreSignal: true, ms: 600 }, { signal: controller.signal });
      await running;
      controller.abort();
      await assert.rejects(parent, TaskAbortedError);
      assert.equal((await ended).ended, 'aborted');
    } finally {
      await p.close();
    }
  });

  for (const runtime of ['thread', 'process'] as const) {
    it(`a worker that dies takes its nested tasks with it (${runtime})`, async () => {
      const p = await started(pool(runtime, { numberOfWorkers: 1, maxRetries: 0 }));
      p.on('error', () => {});
      try {
        const ended = childReport(p, `orphan-${runtime}`);
        // the child runs on the main thread, so it outlives the worker that queued it
        const running = childStarted(p, `orphan-${runtime}`);
        const call = p.addTask({ op: 'nest-then-die', id: `orphan-${runtime}`, childOn: 'main' });
        await running;
        p.postMessageToWorkers('die');
        await assert.rejects(call, { name: 'WorkerCrashError' });
        const report = await ended;
        assert.equal(report.ended, 'aborted');
        assert.ok(report.ran < 2000, `ran ${report.ran} ms`);
        await p.whenIdle();
      } finally {
        await p.close();
      }
    });
  }

  it('a nested task that ends normally is not affected by its parent ending', async () => {
    const p = await started(pool('thread'));
    try {
      const ended = childReport(p, 'free');
      // the parent stops waiting after 100 ms and returns its child's promise: it settles with it
      const result = await p.addTask({ op: 'parent-sync', id: 'free', ms: 100, childMs: 300 });
      assert.equal(result, 'child done');
      assert.equal((await ended).ended, 'done');
    } finally {
      await p.close();
    }
  });
});

describe('probedjs option names inside a worker', () => {
  for (const runtime of ['thread', 'process'] as const) {
    it(`addTask(x, { workerAffinity: 'main' }) runs on the main thread (${runtime})`, async () => {
      const p = pool(runtime, { numberOfWorkers: 1 });
      try {
        assert.equal(await p.addTask({ op: 'nested-probed' }), 'main');
      } finally {
        await p.close();
      }
    });
  }
});

describe('workerContext after an await (thread and process workers)', () => {
  for (const runtime of ['thread', 'process'] as const) {
    it(`the first workerContext.addTask, after an await, with one task running: aborting that task aborts the child (${runtime})`, async () => {
      const p = await started(pool(runtime, { numberOfWorkers: 1 }));
      try {
        const id = `first-${runtime}`;
        const ended = childReport(p, id);
        const controller = new AbortController();
        const running = childStarted(p, id);
        const parent = p.addTask({ op: 'parent-after-await', id }, { signal: controller.signal });
        await running;
        controller.abort();
        await assert.rejects(parent, TaskAbortedError);
        assert.equal((await ended).ended, 'aborted', 'the child was cancelled with its parent');
        await p.whenIdle();
      } finally {
        await p.close();
      }
    });

    it(`once tracked, two parents at once: aborting one aborts the children it queued after an await, not the other's (${runtime})`, async () => {
      const p = await started(pool(runtime, { numberOfWorkers: 1, concurrency: 2 }));
      try {
        assert.deepEqual(await p.addTask({ op: 'late-parent', wait: 1 }), [2, 4], 'a first workerContext.addTask turns tracking on');
        const aborted = childReport(p, `a-${runtime}`);
        const kept = childReport(p, `b-${runtime}`);
        const bothRun = Promise.all([childStarted(p, `a-${runtime}`), childStarted(p, `b-${runtime}`)]);
        const controller = new AbortController();
        // both wait until the other runs too before they queue their children: no "only task running" to fall back on
        const a = p.addTask({ op: 'parent-after-await', key: runtime, together: 2, children: [`a-${runtime}`] }, { signal: controller.signal });
        const b = p.addTask({ op: 'parent-after-await', key: runtime, together: 2, children: [`b-${runtime}`], childMs: 800 });
        await bothRun;
        controller.abort();
        await assert.rejects(a, TaskAbortedError);
        assert.equal((await aborted).ended, 'aborted', "a's child was cancelled with a");
        assert.deepEqual(await b, ['child done']);
        assert.equal((await kept).ended, 'done', "b's child ran to its end");
        await p.whenIdle();
      } finally {
        await p.close();
      }
    });

    it(`workerContext.taskId and .signal after an await are the task's own (${runtime})`, async () => {
      const p = await started(pool(runtime, { numberOfWorkers: 1, concurrency: 2 }));
      try {
        type Seen = { ctx: number; ids: number[]; ownSignal: boolean[] };
        const check = (seen: Seen, what: string) => {
          assert.equal(typeof seen.ctx, 'number');
          assert.deepEqual(seen.ids, [seen.ctx, seen.ctx, seen.ctx], `${what}: taskId before and after awaits`);
          assert.deepEqual(seen.ownSignal, [true, true, true], `${what}: signal before and after awaits`);
        };
        // alone in its worker: the only task running (this read turns tracking on)
        check(await p.addTask<Seen>({ op: 'ids-after-await' }), 'alone');
        // two at once, each reading after the other started
        const pair = await Promise.all([1, 2].map(() => p.addTask<Seen>({ op: 'ids-after-await', key: runtime, together: 2 })));
        assert.notEqual(pair[0].ctx, pair[1].ctx);
        for (const [i, seen] of pair.entries()) check(seen, `task ${i + 1} of 2`);
      } finally {
        await p.close();
      }
    });
  }
});

describe('a nested task its parent does not await', () => {
  for (const runtime of ['thread', 'process', 'inline'] as const) {
    it(`another task can await it after the parent returned: no deadlock with concurrency 1 (${runtime})`, async () => {
      const p = await started(pool(runtime, { numberOfWorkers: 1, concurrency: 1 }));
      try {
        // memo-fire queues a nested task and returns; memo-wait then holds the only slot awaiting it:
        // the nested task runs on the slot it lends until it settles
        const both = Promise.all([p.addTask({ op: 'memo-fire' }), p.addTask({ op: 'memo-wait' })]);
        assert.deepEqual(await Promise.race([both, sleep(5000).then(() => 'deadlock')]), ['fired', 42]);
      } finally {
        await p.kill();
      }
    });

    it(`still runs to its end after the parent returned (${runtime})`, async () => {
      const p = await started(pool(runtime, { numberOfWorkers: 1, concurrency: 1 }));
      try {
        const id = `forget-${runtime}`;
        const ended = childReport(p, id, 8000);
        assert.equal(await p.addTask({ op: 'forget', id, childMs: 300 }), 'returned');
        assert.equal((await ended).ended, 'done', 'the child ran to its end');
        assert.equal(await p.addTask({ op: 'nap', ms: 1 }), 1);
      } finally {
        await p.close();
      }
    });
  }
});

describe('workerContext in code outside any task', () => {
  for (const runtime of ['thread', 'process', 'inline'] as const) {
    it(`with tracking on, a listener is not taken for the task running: its nested task outlives that task's abort (${runtime})`, async () => {
      const p = await started(pool(runtime, { numberOfWorkers: 1, concurrency: 1 }));
      try {
        await p.addTask({ op: 'track-on' });
        const controller = new AbortController();
        const holding = nextMessage(p, 'hold-started');
        const hold = p.addTask({ op: 'hold', ms: 10_000 }, { signal: controller.signal });
        hold.catch(() => {});
        await holding;
        const id = `probe-${runtime}`;
        const ended = childReport(p, id);
        const running = childStarted(p, id);
        const saw = nextMessage<{ taskId: number | null }>(p, 'probe-saw');
        p.postMessageToWorkers('probe', { child: id });
        assert.equal((await saw).taskId, null, 'the listener belongs to no task');
        await running;
        controller.abort();
        await assert.rejects(hold, TaskAbortedError);
        assert.equal((await ended).ended, 'done', "the listener's nested task was not cancelled with the held task");
      } finally {
        await p.close();
      }
    });
  }

  for (const runtime of ['thread', 'process'] as const) {
    it(`workerContext.addTask at a task's synchronous start does not turn tracking on (${runtime})`, async () => {
      const p = await started(pool(runtime, { numberOfWorkers: 1, concurrency: 1 }));
      try {
        assert.equal(await p.addTask({ op: 'sync-add' }), 2);
        const controller = new AbortController();
        const holding = nextMessage<number>(p, 'hold-started');
        const hold = p.addTask({ op: 'hold', ms: 10_000 }, { signal: controller.signal });
        hold.catch(() => {});
        const holdId = await holding;
        const saw = nextMessage<{ taskId: number | null }>(p, 'probe-saw');
        p.postMessageToWorkers('probe', {});
        // untracked, the one task running is what outside code finds (tracked, it would find none)
        assert.equal((await saw).taskId, holdId, 'the held task still runs untracked');
        controller.abort();
        await assert.rejects(hold, TaskAbortedError);
      } finally {
        await p.close();
      }
    });
  }
});
