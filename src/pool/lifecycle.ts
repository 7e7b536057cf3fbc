/** Workers' lives: starting, replacing and ending them (their states are in ./worker-state.ts). */
import createDebug from 'debug';
import { PoolClosedError } from '../errors/pool-closed-error.js';
import { StartTimeoutError } from '../errors/start-timeout-error.js';
import { WorkerCrashError } from '../errors/worker-crash-error.js';
import { guardsSettled } from '../util/child-guard.js';
import type { ExitInfo, PoolWorker, WorkerFactory } from '../worker/types.js';
import type { PoolCore } from './core.js';
import { PoolEvents, type WorkerExit } from './events.js';
import { StartFailures } from './start-failures.js';
import type { Task } from './task.js';
import { WorkerHandle } from './worker-handle.js';

const debug = createDebug('workforce:lifecycle');

/** A worker that dies on its own this soon (ms) after coming online, before any call, failed to start. */
const YOUNG_DEATH_MS = 1000;

/**
 * Workers' lives: spawning up to the size policy, start failures (with backoff and a bound),
 * deaths (their calls retried, their queue moved), ttl recycling, idle reaping, close and kill.
 */
export class Lifecycle<I, O, W extends PoolWorker<I, O>> {
  #nextId = 1;
  readonly #startFailures: StartFailures;
  #backoffTimer: NodeJS.Timeout | undefined;
  /**
   * Workers on their way out (stopping, terminated, or failed to start, destroy() still running):
   * out of the scheduler's list, but close() and kill() must still wait for (and kill ends) them.
   */
  readonly #leaving = new Set<WorkerHandle<I, O>>();
  /** Set once the pool gave up starting workers; every call rejects with it. */
  failure: Error | undefined;
  /** No new workers once every task is done and the pool is closing. */
  closed = false;
  /** Extra recycling rule checked after each call (the module pool's maxHeapBeforeRecycle). */
  recycleWhen: ((worker: W) => boolean) | undefined;
  /** Hook for the owner to wire a new worker (events, messages) before it starts. */
  onWorker: ((worker: W, handle: WorkerHandle<I, O>) => void) | undefined;

  constructor(
    private readonly core: PoolCore<I, O, W>,
    private readonly factory: WorkerFactory<I, O, W>,
  ) {
    this.#startFailures = new StartFailures(() => core.options.maxStartFailures);
  }

  /** Live workers that routing counts (not the main-thread handle). */
  get size(): number {
    let n = 0;
    for (const h of this.core.scheduler.handles) if (h.accepting && !h.pinnedOnly) n++;
    return n;
  }

  /**
   * The pool may still start routing workers (below `maxWorkers`, not closed or failed): then a
   * burst is not sent ahead into a busy worker's pipelining window, where it would hide from
   * ensureSize, but stays queued so the pool grows.
   */
  get canGrow(): boolean {
    return !this.closed && !this.failure && this.size < this.core.options.maxWorkers;
  }

  /** Spawns to `minWorkers`, and beyond (to `maxWorkers`) while queued work outweighs free and starting slots. */
  ensureSize(): void {
    if (this.closed || this.failure) return;
    const { minWorkers, maxWorkers } = this.core.options;
    let size = this.size;
    // the common case on the hot path (a burst on a full pool): nothing to start, no clock read
    if (size >= maxWorkers && size >= minWorkers) return;
    if (this.#startFailures.wait > 0) return this.#retryLater();
    while (size < minWorkers) {
      this.spawn();
      size++;
    }
    while (size < maxWorkers && this.#unservedWork() > 0) {
      this.spawn();
      size++;
    }
  }

  /**
   * Starts a worker. A pinned worker (the main-thread worker of 'main' affinity) has its own id
   * and factory, stays out of routing and stealing, and runs only tasks pinned to it.
   */
  spawn(pinned?: { id: string; factory: WorkerFactory<I, O, W> }): WorkerHandle<I, O> {
    const id = pinned ? pinned.id : this.#nextId++;
    const factory = pinned?.factory ?? this.factory;
    const { concurrency, ttl } = this.core.options;
    const handle = new WorkerHandle<I, O>(
      id,
      pinned ? Number.POSITIVE_INFINITY : concurrency,
      pinned !== undefined,
      pinned ? Number.POSITIVE_INFINITY : ttl,
      this.core.stats,
    );
    this.core.scheduler.add(handle);
    debug('spawning worker %s', id);
    const starting = (async () => {
      const worker = await factory({ id: typeof id === 'number' ? id : 0 });
      handle.worker = worker;
      const { prefetch, timeout } = this.core.options;
      if (worker.pipelined && !pinned && timeout === Number.POSITIVE_INFINITY) handle.enablePipelining(prefetch);
      worker.onExit?.((info) => this.died(handle, info));
      this.onWorker?.(worker, handle);
      if (handle.state === 'dead') {
        // Killed before the factory returned: stop() had no worker to destroy (and so moved it
        // to dead at once), so end it here or it is never destroyed. (A graceful stop lets it
        // start, then ends it gracefully.)
        await Promise.resolve(worker.destroy({ force: true })).catch((error) => this.core.reportError(worker, error));
        return;
      }
      await this.#init(worker, handle.id);
    })();
    handle.started = starting.then(
      () => this.#ready(handle),
      (error) => this.#startFailed(handle, error),
    );
    return handle;
  }

  /**
   * Runs the worker's init(), failing it with a StartTimeoutError after `startTimeout` ms (a start
   * that never settles must not hang the pool); #startFailed then ends the worker. The only start
   * timer: a module worker's init() settles when it has loaded its module and come online.
   */
  #init(worker: W, id: number | string): Promise<unknown> {
    const init = Promise.resolve(worker.init?.());
    const { startTimeout } = this.core.options;
    if (startTimeout === Number.POSITIVE_INFINITY) return init;
    // a module worker names its module (as a pid names a process in crash messages)
    const modulePath = (worker as { modulePath?: unknown }).modulePath;
    const module = typeof modulePath === 'string' ? modulePath : undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new StartTimeoutError(`Worker ${id}${module ? ` for ${module}` : ''} did not start within ${startTimeout} ms (startTimeout)`, startTimeout, module),
          ),
        startTimeout,
      );
    });
    return Promise.race([init, late]).finally(() => clearTimeout(timer));
  }

  /**
   * A worker is gone (crash or planned): its calls are retried elsewhere, its queue moves. The
   * pool's bookkeeping is complete before any listener runs (the events come last).
   */
  died(handle: WorkerHandle<I, O>, info: ExitInfo): void {
    const from = handle.state;
    if (from === 'dead') return;
    if (from === 'failed') return this.#gone(handle, info);
    const planned = info.planned || from === 'stopping';
    const wasStarting = from === 'starting';
    // came online, then died on its own before any call: its module kills it, not a task
    const diedYoung = from === 'ready' && handle.calls === 0 && handle.running === 0 && performance.now() - handle.onlineAt < YOUNG_DEATH_MS;
    handle.moveTo('dead');
    clearTimeout(handle.idleTimer);
    this.core.scheduler.remove(handle);
    const { name, pid, threadId } = named(handle);
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.exitCode}`;
    const cause = info.cause instanceof Error ? `: ${info.cause.message}` : '';
    const terminated = handle.terminatedFor;
    const crash = new WorkerCrashError(`${name} ${terminated ? `was terminated (${terminated}) and ` : ''}${how}${cause}`, {
      workerId: handle.id,
      exitCode: info.exitCode,
      signal: info.signal,
      pid,
      threadId,
      cause: info.cause,
    });
    debug('worker %s died (%s): %s', handle.id, planned ? 'planned' : 'crash', crash.message);
    this.core.dispatcher.failInflight(handle, crash);
    const startFailure = (wasStarting || diedYoung) && !planned;
    if (!startFailure && !wasStarting) this.#startFailures.reset(); // it lived: the module is fine
    let failedStart: unknown;
    if (startFailure && !handle.startFailureCounted) {
      handle.startFailureCounted = true;
      failedStart = this.#countStartFailure(handle, info.cause ?? crash);
    } else {
      this.#moveQueue(handle, crash);
      this.ensureSize();
    }
    const worker = handle.worker;
    if (!worker) return;
    // What killed a running worker (a process's uncaught error; a thread's was reported as it happened).
    if (!planned && !wasStarting && info.cause !== undefined) this.core.reportError(worker, info.cause, true);
    const exit: WorkerExit = { planned, terminated: terminated !== undefined };
    this.core.events.emit(PoolEvents.EXIT, worker, info.exitCode, info.signal, exit);
    if (failedStart !== undefined) this.core.reportError(worker, failedStart);
  }

  /** A worker finished a call: recycle it after `ttl` calls, notice if it died. */
  answered(handle: WorkerHandle<I, O>): void {
    this.#startFailures.reset();
    const worker = handle.worker;
    if (worker?.active === false && handle.live) {
      // It says it is dead but may still hold resources (a child that closed its channel): end it.
      const gone = Promise.resolve(worker.destroy({ force: true })).then(
        () => {},
        (error) => this.core.reportError(worker, error),
      );
      this.#track(handle, gone);
      this.died(handle, { exitCode: null, signal: null, planned: false });
      return;
    }
    const ttl = handle.calls >= this.core.options.ttl;
    let recycled: typeof PoolEvents.TTL | typeof PoolEvents.RECYCLE | undefined;
    if (handle.state === 'ready' && !handle.pinnedOnly && (ttl || this.recycleWhen?.(handle.worker as W))) {
      debug('worker %s recycled (%s, %d calls)', handle.id, ttl ? 'ttl' : 'recycleWhen', handle.calls);
      handle.moveTo('retiring');
      this.core.scheduler.redistribute(handle, true, (t) => this.#orphan(t, handle));
      this.ensureSize();
      recycled = ttl ? PoolEvents.TTL : PoolEvents.RECYCLE;
    }
    if (handle.state === 'retiring' && handle.running === 0 && handle.queued === 0) void this.stop(handle);
    if (recycled) this.core.events.emit(recycled, worker);
  }

  /** The scheduler found `handle` idle: arm its idle reaper. */
  idle(handle: WorkerHandle<I, O>): void {
    const { maxIdleTime } = this.core.options;
    if (maxIdleTime === Number.POSITIVE_INFINITY || handle.idleTimer || this.closed || handle.pinnedOnly) return;
    handle.idleTimer = setTimeout(() => {
      handle.idleTimer = undefined;
      if (handle.state !== 'ready' || handle.running > 0 || handle.queued > 0) return;
      // a fresh worker that never ran a call would only be replaced by another: no churn at the minimum size
      if (handle.calls === 0 && this.size <= this.core.options.minWorkers) return;
      debug('worker %s idle for %d ms', handle.id, maxIdleTime);
      void this.stop(handle).then(() => this.ensureSize());
      this.core.events.emit(PoolEvents.IDLE, handle.worker);
    }, maxIdleTime);
    handle.idleTimer.unref();
  }

  /** Ends a worker on purpose (gracefully, or at once with force); resolves when it is gone. */
  stop(handle: WorkerHandle<I, O>, force = false): Promise<void> {
    const known = handle.exit;
    if (known && !force) return known;
    if (handle.state === 'dead' || handle.state === 'failed') return known ?? Promise.resolve();
    const wasStarting = handle.state === 'starting';
    if (handle.state !== 'stopping') handle.moveTo('stopping');
    clearTimeout(handle.idleTimer);
    this.core.scheduler.remove(handle);
    this.#moveQueue(handle, new PoolClosedError(`Worker ${handle.id} was stopped`));
    const done = (async () => {
      // A worker still starting finishes starting (bounded by startTimeout) and is then ended
      // like any other: gracefully, running its exit hook, instead of being killed mid-start.
      // Killed (force) with no worker made yet, it dies here at once, synchronously: the factory's
      // worker, once made, finds it dead and is destroyed (spawn).
      if (wasStarting && !force) await handle.started;
      const worker = handle.worker;
      try {
        if (worker) await worker.destroy({ force });
      } catch (error) {
        this.core.reportError(worker, error);
      }
      this.died(handle, { exitCode: null, signal: null, planned: true });
    })();
    this.#track(handle, done);
    return done;
  }

  /** A cancelled or timed-out call would not stop: end the worker now; its other calls are retried. */
  terminate(handle: WorkerHandle<I, O>, why: string): void {
    if (!handle.live) return;
    debug('terminating worker %s: %s', handle.id, why);
    const worker = handle.worker;
    handle.moveTo('stopping');
    handle.terminatedFor = why;
    this.core.scheduler.remove(handle);
    const { name, pid, threadId } = named(handle);
    const crash = new WorkerCrashError(`${name} was terminated: ${why}`, { workerId: handle.id, pid, threadId });
    // Its running calls are retried once it is gone (died), not now: a terminated thread or
    // process runs on for a moment, and a task must never run on two workers at once.
    this.#moveQueue(handle, crash);
    const done = Promise.resolve(worker?.destroy({ force: true }))
      .catch((error) => this.core.reportError(worker, error))
      .then(() => this.died(handle, { exitCode: null, signal: null, planned: true }));
    this.#track(handle, done);
    this.ensureSize();
  }

  /** Every worker, gracefully (close) or at once (kill); resolves when all are gone. */
  async stopAll(force: boolean): Promise<void> {
    this.closed = true;
    clearTimeout(this.#backoffTimer);
    const handles = [...this.core.scheduler.handles];
    // Workers already on their way out (terminated, retiring, idle) still count: kill ends their
    // calls too (a terminated worker's calls wait for it to be gone) and does not wait for them.
    const leaving = force ? [...this.#leaving] : [];
    if (force) for (const h of [...handles, ...leaving]) this.core.dispatcher.rejectInflight(h, new PoolClosedError('The pool was killed'));
    const stops = [...handles.map((h) => this.stop(h, force)), ...leaving.map((h) => this.stop(h, true))];
    await Promise.all([...stops, ...[...this.#leaving].map((h) => h.exit)]);
    // the reaper shell of process workers exits a moment after the last of them
    await guardsSettled();
  }

  /** Remembers a worker's way out until it is gone (close and kill wait for it), then forgets it. */
  #track(handle: WorkerHandle<I, O>, done: Promise<void>): void {
    handle.exit = done;
    this.#leaving.add(handle);
    void done.then(() => {
      if (handle.exit === done) this.#leaving.delete(handle);
    });
  }

  #ready(handle: WorkerHandle<I, O>): void {
    // stopped (or dead) while starting: stop() ends it
    if (handle.state !== 'starting') return;
    // A worker that says it is inactive died while starting. One that reports its own exits
    // (thread, process, spawned) has its exit report on its way; any other is ended here, as
    // answered() does, since it may still hold resources.
    const worker = handle.worker;
    if (worker?.active === false) {
      if (!worker.onExit)
        this.#track(
          handle,
          Promise.resolve(worker.destroy({ force: true })).then(
            () => {},
            (error) => this.core.reportError(worker, error),
          ),
        );
      return this.died(handle, { exitCode: null, signal: null, planned: false });
    }
    handle.moveTo('ready');
    handle.onlineAt = performance.now();
    debug('worker %s online', handle.id);
    this.core.scheduler.pump(handle);
    this.core.events.emit(PoolEvents.ONLINE, worker);
  }

  /** Its factory or init() failed (or timed out). */
  #startFailed(handle: WorkerHandle<I, O>, error: unknown): void {
    // The exit report may have come first (died() counted it if it was a crash at start).
    if (handle.startFailureCounted) return;
    handle.startFailureCounted = true;
    if (handle.state === 'starting') {
      this.core.scheduler.remove(handle);
      const worker = handle.worker;
      if (worker) {
        // init() rejected while the worker may still be alive: end it; its exit is reported once
        // it is gone, and close()/kill() wait for that too.
        handle.moveTo('failed');
        const exited = { exitCode: null, signal: null, planned: true };
        const gone = Promise.resolve(worker.destroy({ force: true })).then(
          () => this.#gone(handle, exited),
          () => this.#gone(handle, exited),
        );
        this.#track(handle, gone);
      } else handle.moveTo('dead');
    }
    // Otherwise it is already gone (a worker that ended itself as its start failed, e.g. a module
    // that does not load), or being stopped by the pool (close, kill, the pool failed), whose
    // stop() ends it: either way the failure still counts here, once.
    const report = this.#countStartFailure(handle, error);
    if (report !== undefined) this.core.reportError(handle.worker, report);
  }

  /**
   * Counts a start failure: the backoff before the next spawn, or the pool gives up. Moves the
   * worker's queue. Returns the error to report (none while closing).
   */
  #countStartFailure(handle: WorkerHandle<I, O>, error: unknown): unknown {
    if (this.closed || handle.pinnedOnly || this.failure) {
      this.#moveQueue(handle, error);
      return this.closed ? undefined : error;
    }
    const fatal = this.#startFailures.record(error);
    debug('worker %s failed to start (%d in a row): %s', handle.id, this.#startFailures.count, error);
    // Before the queue moves (moving it may spawn): the backoff (set by record), or the pool's failure.
    if (fatal !== undefined) this.failure = fatal;
    this.#moveQueue(handle, error);
    if (fatal !== undefined) this.#fail(fatal);
    else this.#retryLater();
    return error;
  }

  /** A worker whose start failed is gone (its exit report, or destroy() settled, whichever came first): its `exit` event. */
  #gone(handle: WorkerHandle<I, O>, info: ExitInfo): void {
    if (handle.state !== 'failed') return;
    handle.moveTo('dead');
    // the pool ended it, but because it failed to start: not a planned exit
    const exit: WorkerExit = { planned: false, terminated: false };
    if (handle.worker) this.core.events.emit(PoolEvents.EXIT, handle.worker, info.exitCode, info.signal, exit);
  }

  #retryLater(): void {
    if (this.#backoffTimer) return;
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      this.ensureSize();
    }, this.#startFailures.wait);
  }

  /** The pool cannot start workers: every waiting and future call rejects with `failure`. */
  #fail(failure: Error): void {
    this.failure = failure;
    debug('pool failed: %s', failure.message);
    for (const task of this.core.scheduler.takeAll()) this.core.dispatcher.settle(task, false, failure);
    for (const h of [...this.core.scheduler.handles]) if (!h.pinnedOnly) void this.stop(h, true);
  }

  #moveQueue(handle: WorkerHandle<I, O>, error: unknown): void {
    this.core.scheduler.redistribute(handle, false, (task) => this.#orphan(task, handle, error));
  }

  #orphan(task: Task<I, O>, handle: WorkerHandle<I, O>, error?: unknown): void {
    const crash = error ?? new WorkerCrashError(`Worker ${handle.id} is gone`, { workerId: handle.id });
    this.core.dispatcher.settle(task, false, crash instanceof WorkerCrashError ? crash.forTask(task.id) : crash);
  }

  /** Queued tasks that no ready or starting worker has room for. */
  #unservedWork(): number {
    const { scheduler, options } = this.core;
    let room = 0;
    for (const h of scheduler.handles) {
      if (h.pinnedOnly) continue;
      if (h.state === 'starting') room += options.concurrency;
      // its own slots only: a pipelining window is no room to run, it would hide the work from growth
      else if (h.state === 'ready') room += Math.max(0, Math.min(h.free, h.concurrency + h.waiting - h.running));
    }
    return scheduler.queued - room;
  }
}

/** A worker as error messages name it (`Worker 3 (pid 1234)`), its pid (process workers) and threadId (thread workers). */
function named<I, O>(handle: WorkerHandle<I, O>): { name: string; pid: number | undefined; threadId: number | undefined } {
  const { pid, threadId } = (handle.worker ?? {}) as { pid?: number; threadId?: number };
  return { name: `Worker ${handle.id}${pid ? ` (pid ${pid})` : ''}`, pid, threadId };
}
