/** Where tasks wait and which worker runs each: the only code that changes a task's owner and state. */
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import type { PoolCore } from './core.js';
import { leastBusy } from './least-busy.js';
import { RingQueue } from './ring-queue.js';
import { steal } from './stealing.js';
import type { Task } from './task.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * Where tasks wait and which worker runs them: per-worker ring queues, least-busy routing,
 * affinity, and stealing by idle workers. Tasks with no live worker to go to wait in `backlog`.
 * It hands a task to the dispatcher to run (pump → Dispatcher.start), asks the lifecycle for
 * workers when work is waiting (Lifecycle.ensureSize) and tells it when one is idle
 * (Lifecycle.idle). A task's `owner` and `state` are written here only.
 */
export class Scheduler<I, O> {
  readonly handles: WorkerHandle<I, O>[] = [];
  readonly backlog = new RingQueue<Task<I, O>>();
  backlogged = 0;
  #rr = 0;
  readonly #strongThreshold: number;

  constructor(private readonly core: PoolCore<I, O, any>) {
    this.#strongThreshold = core.options.strongAffinityThreshold;
  }

  get queued(): number {
    let n = this.backlogged;
    for (const h of this.handles) n += h.queued;
    return n;
  }

  add(handle: WorkerHandle<I, O>): void {
    this.handles.push(handle);
  }

  remove(handle: WorkerHandle<I, O>): void {
    const i = this.handles.indexOf(handle);
    if (i >= 0) this.handles.splice(i, 1);
  }

  byId(id: number | string): WorkerHandle<I, O> | undefined {
    return this.handles.find((h) => h.id === id);
  }

  /** Queues a task on the worker it belongs to (affinity) or the least busy one, then dispatches. */
  enqueue(task: Task<I, O>): void {
    task.state = 'queued';
    let target: WorkerHandle<I, O> | undefined;
    if (task.affinity !== undefined) {
      const pinned = this.byId(task.affinity);
      if (pinned?.live && (pinned.accepting || task.strength === 'force')) target = pinned;
      else if (task.strength === 'force') {
        // never queued: settling it must not take it out of a queue (backlogged would go negative)
        task.state = 'detached';
        task.owner = undefined;
        return this.core.dispatcher.settle(task, false, new InvalidOptionError('affinity', task.affinity, 'the id of a live worker'));
      }
      // light affinity is a preference: a worker whose own slots are all taken (it may have only
      // slots lent for nested tasks) yields to one with an idle slot
      if (target && task.strength === 'light' && target.running >= target.concurrency) target = this.#idleOther(target) ?? target;
    }
    if (!target) {
      this.#rr = (this.#rr + 1) % Math.max(1, this.handles.length);
      target = leastBusy(this.handles, this.core.stats.meanRunTime, this.#rr);
    }
    if (!target) {
      task.owner = undefined;
      this.backlog.push(task);
      this.backlogged++;
      this.core.lifecycle.ensureSize();
      return;
    }
    task.owner = target;
    target.queue.push(task);
    target.queued++;
    if (target.ready && target.free > 0) this.pump(target);
    if (task.state === 'queued') this.#offerToIdle(task, target);
  }

  /** Fills `handle`'s free slots: its own queue first, then the backlog, then stealing. */
  pump(handle: WorkerHandle<I, O>): void {
    // each start takes exactly one of the free slots (a call is never answered within start),
    // so `free` is read once, not per call; whether the pool can still grow, at most once
    let free = handle.free;
    let growing: boolean | undefined;
    while (free > 0 && handle.ready) {
      const ahead = handle.running >= handle.concurrency + handle.waiting;
      // a pool that can still grow keeps its queue for the workers it will start
      if (ahead && (growing ??= this.core.lifecycle.canGrow)) break;
      const task = this.#next(handle, ahead);
      if (!task) break;
      this.core.dispatcher.start(task, handle);
      free--;
    }
    if (handle.state === 'ready' && handle.running === 0 && handle.queued === 0) this.core.lifecycle.idle(handle);
  }

  pumpAll(): void {
    for (const h of this.handles.slice()) this.pump(h);
  }

  /** `task` starts running on `handle` (the dispatcher's start): out of the queues, owned by `handle`. */
  run(task: Task<I, O>, handle: WorkerHandle<I, O>): void {
    this.leave(task);
    task.state = 'running';
    task.owner = handle;
  }

  /** `task` settles: out of the queues, done. False if it had settled already (a task settles once). */
  finish(task: Task<I, O>): boolean {
    if (task.state === 'done') return false;
    this.leave(task);
    task.state = 'done';
    return true;
  }

  /** Takes a task out of the queues (it starts running, is aborted or moves). */
  leave(task: Task<I, O>): void {
    if (task.state !== 'queued') return;
    if (task.owner) task.owner.queued--;
    else this.backlogged--;
    task.owner = undefined;
    task.state = 'detached';
  }

  /**
   * Re-routes every task queued on `handle` (it is dying or retiring). Forced tasks stay when
   * the worker still runs (`keepForced`), otherwise they go to `orphan`.
   */
  redistribute(handle: WorkerHandle<I, O>, keepForced: boolean, orphan: (task: Task<I, O>) => void): void {
    const moving: Task<I, O>[] = [];
    const kept: Task<I, O>[] = [];
    for (const task of handle.queue.drain()) {
      if (task.owner !== handle || task.state !== 'queued') continue;
      handle.queued--;
      task.owner = undefined;
      task.state = 'detached';
      if (task.strength === 'force') (keepForced ? kept : moving).push(task);
      else moving.push(task);
    }
    for (const task of kept) {
      // back in the queue for real: a 'detached' task is skipped by #next and would never run
      task.state = 'queued';
      task.owner = handle;
      handle.queue.push(task);
      handle.queued++;
    }
    for (const task of moving) {
      if (task.strength === 'force') {
        orphan(task);
        continue;
      }
      if (task.affinity === handle.id) task.affinity = undefined;
      this.enqueue(task);
    }
  }

  /** Every queued task (for close/kill/fail), removed from the queues. */
  takeAll(): Task<I, O>[] {
    const out: Task<I, O>[] = [];
    const take = (task: Task<I, O>) => {
      if (task.state !== 'queued') return;
      this.leave(task);
      out.push(task);
    };
    for (const h of this.handles) for (const t of h.queue.drain()) if (t.owner === h) take(t);
    for (const t of this.backlog.drain()) if (t.owner === undefined) take(t);
    return out;
  }

  /**
   * The next task for `handle`. `ahead`: only its pipelining window is free, so the task would
   * wait inside the worker where no other worker can steal it: tasks with light or strong
   * affinity or their own timeout stay in the pool's queue then, and nothing is stolen into a
   * window. (pump sends nothing ahead while the pool can still grow, Lifecycle.canGrow: the queued
   * work is what makes it grow.)
   */
  #next(handle: WorkerHandle<I, O>, ahead: boolean): Task<I, O> | undefined {
    for (let t = handle.queue.peek(); t; t = handle.queue.peek()) {
      if (t.owner !== handle || t.state !== 'queued') {
        handle.queue.shift();
        continue;
      }
      if (ahead && ((t.affinity !== undefined && t.strength !== 'force') || t.timeout !== undefined)) return undefined;
      return handle.queue.shift();
    }
    // a retiring worker (ttl, recycleWhen) only finishes the forced tasks kept on it
    if (handle.pinnedOnly || handle.state === 'retiring') return undefined;
    for (let t = this.backlog.peek(); t; t = this.backlog.peek()) {
      if (t.owner !== undefined || t.state !== 'queued') {
        this.backlog.shift();
        continue;
      }
      // a call with its own timeout is never sent ahead: its time would run while it waits in the worker
      if (ahead && t.timeout !== undefined) return undefined;
      return this.backlog.shift();
    }
    // nothing is stolen into a window: the thief is busy, and a call it is running may be long
    // (a short call moved behind it would wait for it, though another worker is about to be free)
    return ahead ? undefined : steal(handle, this.handles, this.#strongThreshold);
  }

  /** Another ready routing worker with an idle slot and nothing queued, if any. */
  #idleOther(busy: WorkerHandle<I, O>): WorkerHandle<I, O> | undefined {
    for (const h of this.handles) {
      if (h !== busy && h.state === 'ready' && !h.pinnedOnly && h.queued === 0 && h.running < h.concurrency + h.waiting) return h;
    }
    return undefined;
  }

  /** A task landed on a busy worker: if another ready worker has a free slot, let it steal now. */
  #offerToIdle(task: Task<I, O>, target: WorkerHandle<I, O>): void {
    if (task.strength === 'force') return;
    for (const h of this.handles) {
      // cheapest test first: in a burst every queue holds work
      if (h.queued === 0 && h !== target && h.ready && !h.pinnedOnly && h.free > 0) {
        this.pump(h);
        if (task.state !== 'queued') return;
      }
    }
    this.core.lifecycle.ensureSize();
  }
}
