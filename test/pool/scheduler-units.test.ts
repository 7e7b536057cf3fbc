// Unit tests of the scheduler's pieces that no black-box test reaches directly: least-busy
// choice, stealing, the ring queue, the feed gate, start failures, and the Scheduler itself over
// a recording stand-in for its collaborators (which task it hands to the dispatcher, when it asks
// the lifecycle for workers, and that it alone moves a task's owner and state).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.js';
import { ModuleLoadError } from '../../src/errors/module-load-error.js';
import type { PoolCore } from '../../src/pool/core.js';
import { RingQueue } from '../../src/pool/ring-queue.js';
import { Scheduler } from '../../src/pool/scheduler.js';
import { FeedGate } from '../../src/pool/sources/feed-gate.js';
import { StartFailures } from '../../src/pool/start-failures.js';
import { steal } from '../../src/pool/stealing.js';
import { leastBusy } from '../../src/pool/strategies/least-busy.js';
import type { AffinityStrength, Task } from '../../src/pool/task.js';
import { WorkerHandle } from '../../src/pool/worker-handle.js';

let ids = 0;
function task(affinity?: number, strength?: AffinityStrength): Task<number, number> {
  return {
    id: ++ids,
    input: ids,
    resolve: () => {},
    reject: () => {},
    state: 'queued',
    owner: undefined,
    affinity,
    strength: affinity === undefined ? undefined : (strength ?? 'light'),
    attempts: 0,
    signal: undefined,
    transfer: undefined,
    timeout: undefined,
    parent: undefined,
    queuedAt: 0,
    startedAt: 0,
    unlisten: undefined,
    attempt: undefined,
  };
}

/** A ready worker handle with `running` calls and `queued` live tasks in its queue. */
function worker(id: number, { running = 0, queued = 0, concurrency = 1, meanRunTime = 0, state = 'ready' as 'ready' | 'starting' } = {}) {
  const h = new WorkerHandle<number, number>(id, concurrency);
  if (state === 'ready') h.moveTo('ready');
  h.running = running;
  h.meanRunTime = meanRunTime;
  for (let i = 0; i < queued; i++) {
    const t = task();
    t.owner = h;
    h.queue.push(t);
    h.queued++;
  }
  return h;
}

describe('leastBusy', () => {
  it('prefers a worker with an idle slot, then the lowest expected drain time', () => {
    const busy = worker(1, { running: 1 });
    const idleSlow = worker(2, { meanRunTime: 10 });
    const idleFast = worker(3, { meanRunTime: 1 });
    assert.equal(leastBusy([busy, idleSlow, idleFast], 0, 0), idleFast);
    assert.equal(leastBusy([busy, idleSlow], 0, 0), idleSlow, 'an idle slot beats a saturated worker, however slow');
  });

  it('skips workers that do not accept tasks and pinned ones; none: undefined', () => {
    const retiring = worker(1);
    retiring.moveTo('retiring');
    const pinned = new WorkerHandle<number, number>('main', Number.POSITIVE_INFINITY, true);
    pinned.moveTo('ready');
    assert.equal(leastBusy([retiring, pinned], 0, 0), undefined);
    const starting = worker(2, { state: 'starting' });
    assert.equal(leastBusy([retiring, pinned, starting], 0, 0), starting, 'a starting worker takes tasks into its queue');
  });

  it('among equals, the scan starts at `start` (round robin)', () => {
    const hs = [worker(1), worker(2), worker(3)];
    assert.deepEqual(
      [0, 1, 2, 3].map((start) => leastBusy(hs, 0, start)?.id),
      [1, 2, 3, 1],
    );
  });

  it('workers without history are weighed by the pool mean', () => {
    const known = worker(1, { running: 0, queued: 0, meanRunTime: 5 });
    const fresh = worker(2, { queued: 0 });
    assert.equal(leastBusy([known, fresh], 1, 0), fresh, 'pool mean 1 ms < 5 ms');
    assert.equal(leastBusy([known, fresh], 50, 0), known, 'pool mean 50 ms > 5 ms');
  });
});

describe('steal', () => {
  it('takes from the tail of the longest queue and counts it on the victim', () => {
    const thief = worker(1);
    const short = worker(2, { queued: 1 });
    const long = worker(3, { queued: 3 });
    const tail = long.queue.atBack(0);
    assert.equal(steal(thief, [thief, short, long], 4), tail);
    assert.equal(long.stolen, 1);
  });

  it("never takes a 'force' task, a 'strong' one only past the threshold, and skips stale entries", () => {
    const thief = worker(1);
    const victim = worker(2);
    const add = (t: Task<number, number>) => {
      t.owner = victim;
      victim.queue.push(t);
      victim.queued++;
      return t;
    };
    add(task(2, 'force'));
    assert.equal(steal(thief, [thief, victim], 0), undefined, 'force stays');
    const strong = add(task(2, 'strong'));
    assert.equal(steal(thief, [thief, victim], 2), undefined, 'imbalance 2 is not more than 2');
    assert.equal(steal(thief, [thief, victim], 1), strong, 'imbalance 2 is more than 1');
    const stale = add(task());
    stale.owner = thief; // moved elsewhere already: its reference here is stale
    assert.equal(steal(thief, [thief, victim], 1), strong, 'the stale entry at the tail is skipped');
  });

  it('no victim: nothing to steal', () => {
    const thief = worker(1);
    assert.equal(steal(thief, [thief, worker(2)], 4), undefined);
  });
});

describe('RingQueue', () => {
  it('is FIFO across growth and wrap-around; at/atBack/peek/drain', () => {
    const q = new RingQueue<number>(2);
    const model: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < (round % 7) + 1; i++) {
        q.push(next);
        model.push(next++);
      }
      for (let i = 0; i < round % 5; i++) assert.equal(q.shift(), model.shift());
      assert.equal(q.length, model.length);
      assert.equal(q.peek(), model[0]);
      assert.equal(q.at(0), model[0]);
      assert.equal(q.atBack(0), model[model.length - 1]);
      assert.equal(q.at(model.length), undefined);
      assert.equal(q.at(-1), undefined);
    }
    assert.deepEqual(q.drain(), model);
    assert.equal(q.length, 0);
    assert.equal(q.shift(), undefined);
    assert.equal(q.peek(), undefined);
  });
});

describe('FeedGate', () => {
  it('grants slots while pending + reserved < bound, then serves waiters in order as slots free', () => {
    let pending = 0;
    const gate = new FeedGate(
      () => 2,
      () => pending,
    );
    const granted: string[] = [];
    gate.reserve((ok) => granted.push(`a:${ok}`));
    gate.reserve((ok) => granted.push(`b:${ok}`));
    gate.reserve((ok) => granted.push(`c:${ok}`));
    gate.reserve((ok) => granted.push(`d:${ok}`));
    assert.deepEqual(granted, ['a:true', 'b:true']);
    assert.equal(gate.reserved, 2);
    gate.spend(); // a's item becomes a pool call
    pending = 1;
    gate.wake();
    assert.deepEqual(granted, ['a:true', 'b:true'], 'a spent slot is still taken (by the pending call)');
    gate.release(); // b gives its slot back: c gets it
    assert.deepEqual(granted, ['a:true', 'b:true', 'c:true']);
    pending = 0;
    gate.wake();
    assert.deepEqual(granted, ['a:true', 'b:true', 'c:true', 'd:true']);
  });

  it('a cancelled waiter is skipped; stop() turns waiters and later feeds away and tells onStop listeners once', () => {
    const gate = new FeedGate(
      () => 1,
      () => 0,
    );
    const granted: string[] = [];
    gate.reserve((ok) => granted.push(`a:${ok}`));
    const cancel = gate.reserve((ok) => granted.push(`b:${ok}`));
    gate.reserve((ok) => granted.push(`c:${ok}`));
    cancel();
    let stops = 0;
    const off = gate.onStop(() => stops++);
    gate.stop();
    gate.stop();
    assert.deepEqual(granted, ['a:true', 'c:false']);
    assert.equal(stops, 1);
    assert.equal(gate.stopped, true);
    gate.reserve((ok) => granted.push(`d:${ok}`));
    assert.deepEqual(granted, ['a:true', 'c:false', 'd:false']);
    off();
  });
});

describe('StartFailures', () => {
  it('backs off after each failure and gives up after `max` in a row with the first failure as cause', () => {
    const failures = new StartFailures(() => 3);
    const first = new Error('first');
    assert.equal(failures.wait, 0);
    assert.equal(failures.record(first), undefined);
    assert.ok(failures.wait > 0 && failures.wait <= 50, `first backoff ${failures.wait} ms`);
    assert.equal(failures.record(new Error('second')), undefined);
    assert.ok(failures.wait > 50 && failures.wait <= 100, `second backoff ${failures.wait} ms`);
    const fatal = failures.record(new Error('third'));
    assert.ok(fatal instanceof ModuleLoadError);
    assert.equal(fatal.phase, 'pool');
    assert.equal(fatal.cause, first);
    assert.match(fatal.message, /3 times in a row.*first/);
  });

  it('a module that cannot load gives up at once; reset() starts the count over', () => {
    const failures = new StartFailures(() => 5);
    failures.record(new Error('a crash'));
    failures.reset();
    assert.equal(failures.count, 0);
    const load = new ModuleLoadError('no module', '/x.mjs', { phase: 'module' });
    assert.equal(failures.record(load), load);
  });
});

describe('Scheduler', () => {
  /** A Scheduler whose collaborators record what it asks of them. */
  function scheduler() {
    const started: [number, number | string][] = [];
    const settled: [number, boolean, unknown][] = [];
    const calls: string[] = [];
    const core = {
      options: { strongAffinityThreshold: 4 },
      stats: { meanRunTime: 0 },
      dispatcher: {
        start(t: Task<number, number>, h: WorkerHandle<number, number>) {
          s.run(t, h);
          h.running++;
          started.push([t.id, h.id]);
        },
        settle(t: Task<number, number>, ok: boolean, value: unknown) {
          if (s.finish(t)) settled.push([t.id, ok, value]);
        },
      },
      lifecycle: {
        ensureSize: () => calls.push('ensureSize'),
        idle: (h: WorkerHandle<number, number>) => calls.push(`idle ${h.id}`),
      },
    } as unknown as PoolCore<number, number>;
    const s = new Scheduler<number, number>(core);
    return { s, started, settled, calls };
  }

  it('with no worker a task waits in the backlog and asks for one; a worker that comes up takes it', () => {
    const { s, started, calls } = scheduler();
    const t = task();
    s.enqueue(t);
    assert.equal(s.backlogged, 1);
    assert.equal(s.queued, 1);
    assert.deepEqual(calls, ['ensureSize']);
    const h = worker(1);
    s.add(h);
    s.pump(h);
    assert.deepEqual(started, [[t.id, 1]]);
    assert.equal(t.state, 'running');
    assert.equal(t.owner, h);
    assert.equal(s.backlogged, 0);
  });

  it('routes to the idle worker and starts at once; an idle worker is reported to the lifecycle', () => {
    const { s, started, calls } = scheduler();
    const busy = worker(1, { running: 1 });
    const idle = worker(2);
    s.add(busy);
    s.add(idle);
    s.pump(idle);
    assert.deepEqual(calls, ['idle 2']);
    const t = task();
    s.enqueue(t);
    assert.deepEqual(started, [[t.id, 2]]);
  });

  it("a 'force' task for a worker that is gone settles with InvalidOptionError, never queued", () => {
    const { s, settled } = scheduler();
    s.add(worker(1));
    const t = task(9, 'force');
    s.enqueue(t);
    assert.equal(settled.length, 1);
    assert.equal(settled[0][1], false);
    assert.ok(settled[0][2] instanceof InvalidOptionError);
    assert.equal(t.state, 'done');
    assert.equal(s.queued, 0);
  });

  it('finish() settles a task once and takes a queued one out of its queue', () => {
    const { s } = scheduler();
    const h = worker(1, { running: 1 });
    s.add(h);
    const t = task();
    s.enqueue(t);
    assert.equal(t.state, 'queued');
    assert.equal(h.queued, 1);
    assert.equal(s.finish(t), true);
    assert.equal(h.queued, 0);
    assert.equal(t.state, 'done');
    assert.equal(s.finish(t), false, 'a task settles once');
  });

  it('redistribute() keeps forced tasks on a retiring worker and moves the others', () => {
    const { s } = scheduler();
    const leaving = worker(1, { running: 1 });
    const other = worker(2, { running: 1 });
    s.add(leaving);
    s.add(other);
    const forced = task(1, 'force');
    const light = task(1, 'light');
    s.enqueue(forced);
    s.enqueue(light);
    assert.equal(light.owner, leaving);
    leaving.moveTo('retiring');
    const orphans: Task<number, number>[] = [];
    s.redistribute(leaving, true, (t) => orphans.push(t));
    assert.equal(forced.owner, leaving);
    assert.equal(forced.state, 'queued');
    assert.equal(light.owner, other);
    assert.equal(light.affinity, undefined, 'its affinity to the leaving worker is dropped');
    assert.equal(orphans.length, 0);
    s.redistribute(leaving, false, (t) => orphans.push(t));
    assert.deepEqual(orphans, [forced], 'once the worker goes, a forced task is an orphan');
  });
});
