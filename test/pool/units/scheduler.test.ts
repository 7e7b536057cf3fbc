// Unit test of Scheduler (src/pool/scheduler.ts) over a recording stand-in for its collaborators: which task it hands
// to the dispatcher, when it asks the lifecycle for workers, and that it alone moves a task's owner and state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidOptionError } from '../../../src/errors/invalid-option-error.js';
import type { PoolCore } from '../../../src/pool/core.js';
import { Scheduler } from '../../../src/pool/scheduler.js';
import type { Task } from '../../../src/pool/task.js';
import type { WorkerHandle } from '../../../src/pool/worker-handle.js';
import { task, worker } from './handles.js';

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
