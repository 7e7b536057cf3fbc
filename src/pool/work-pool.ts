import { EventEmitter } from 'node:events';
import createDebug from 'debug';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { PoolClosedError } from '../errors/pool-closed-error.js';
import { QueueFullError } from '../errors/queue-full-error.js';
import { TaskAbortedError } from '../errors/task-aborted-error.js';
import type { Worker, WorkerFactory } from '../worker/types.js';
import type { PoolCore } from './core.js';
import { Dispatcher } from './dispatch.js';
import { PoolEvents } from './events.js';
import { Lifecycle } from './lifecycle.js';
import { type EngineOptions, resolveEngineOptions } from './options.js';
import { register, unregister } from './registry.js';
import { Scheduler } from './scheduler.js';
import { FeedGate } from './sources/feed-gate.js';
import { type InputSource, type ProcessOptions, type ProcessSummary, processSource } from './sources/process.js';
import { type PoolStats, StatsRecorder } from './stats.js';
import type { Task, TaskOptions } from './task.js';
import type { WorkerHandle } from './worker-handle.js';

const debug = createDebug('workforce:pool');

export interface WorkPoolOptions extends EngineOptions {
  /** travetto name of maxWorkers. */
  max?: number;
  /** travetto name of minWorkers (default 1 for WorkPool: it grows under load). */
  min?: number;
  /** travetto name of maxIdleTime. */
  idleTimeout?: number;
}

export interface CloseOptions {
  /** Reject queued calls with PoolClosedError instead of running them first. */
  force?: boolean;
}

let taskIds = 0;

const NO_OPTIONS: TaskOptions = Object.freeze({});

/**
 * The generic pool: any worker object `{ id, active, init?, execute, destroy }` from a factory,
 * fed by `submit()` or by input sources through `process()`. The module pool (`createPool`) is
 * this same engine over thread, process and inline workers.
 */
export class WorkPool<I = unknown, O = unknown, W extends Worker<I, O> = Worker<I, O>> extends EventEmitter {
  readonly #core: PoolCore<I, O>;
  readonly #dispatcher: Dispatcher<I, O>;
  readonly #lifecycle: Lifecycle<I, O, W>;
  #closing: Promise<void> | undefined;
  /** kill() or close({ force }): running calls may no longer queue nested tasks. */
  #refuseNested = false;
  #idleWaiters: (() => void)[] = [];
  readonly #reported = new WeakSet<object>();
  /** process() feeds: pool-wide backpressure (bound min(maxWorkers × concurrency, maxConcurrentCalls)) and stop on close/kill. */
  readonly #gate = new FeedGate(
    () => Math.min(this.#core.options.maxWorkers * this.#core.options.concurrency, this.#core.options.maxConcurrentCalls),
    () => this.#core.pending,
  );

  constructor(factory: WorkerFactory<I, O, W>, options: WorkPoolOptions = {}) {
    super();
    if (typeof factory !== 'function') throw new InvalidOptionError('factory', factory, 'a function returning a worker');
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'an object');
    const { max, min, idleTimeout, ...rest } = options;
    const resolved = resolveEngineOptions(
      { ...rest, maxWorkers: rest.maxWorkers ?? max, minWorkers: rest.minWorkers ?? min, maxIdleTime: rest.maxIdleTime ?? idleTimeout },
      // travetto's default: one worker at rest, growing to max (the CPU count unless given) under load
      1,
    );
    const core: PoolCore<I, O> = {
      options: resolved,
      scheduler: new Scheduler<I, O>(
        {
          start: (task, handle) => this.#dispatcher.start(task, handle),
          unroutable: (task) => this.#dispatcher.settle(task, false, new InvalidOptionError('affinity', task.affinity, 'the id of a live worker')),
          pressure: () => this.#lifecycle.ensureSize(),
          idle: (handle) => this.#lifecycle.idle(handle),
        },
        resolved.strongAffinityThreshold,
      ),
      stats: new StatsRecorder(),
      events: this,
      pending: 0,
      settled: () => this.#settled(),
      emitError: (worker, error) => this.reportError(worker, error),
    };
    this.#core = core;
    this.#dispatcher = new Dispatcher(core, {
      terminate: (handle, why) => this.#lifecycle.terminate(handle, why),
      answered: (handle) => this.#lifecycle.answered(handle),
    });
    this.#lifecycle = new Lifecycle(core, factory, this.#dispatcher);
    this.#lifecycle.ensureSize();
    register(this);
  }

  /** Runs one input on a worker; resolves with its output. */
  submit(input: I, options: TaskOptions | null = NO_OPTIONS): Promise<O> {
    options ??= NO_OPTIONS;
    return this.#enqueue(input, options, this.#refusal(options));
  }

  /**
   * @internal A task queued by a running task (the module pool's nested tasks): accepted while
   * close() lets the running calls finish, refused after kill() or close({ force }).
   */
  submitNested(input: I, options: TaskOptions = NO_OPTIONS): Promise<O> {
    return this.#enqueue(input, options, this.admitsNested ? this.#refusal(options, true) : new PoolClosedError());
  }

  /** @internal submitNested() would take a task (as far as closing goes). */
  get admitsNested(): boolean {
    return !this.#refuseNested && !this.#lifecycle.closed;
  }

  #enqueue(input: I, options: TaskOptions, refused: Error | undefined): Promise<O> {
    if (refused) return Promise.reject(refused);
    return new Promise<O>((resolve, reject) => {
      const task: Task<I, O> = {
        id: ++taskIds,
        input,
        resolve,
        reject,
        state: 'queued',
        owner: undefined,
        affinity: options.affinity,
        strength: options.affinity === undefined ? undefined : (options.affinityStrength ?? 'light'),
        attempts: 0,
        signal: options.signal,
        transfer: options.transfer,
        parent: undefined,
        queuedAt: performance.now(),
        startedAt: 0,
        unlisten: undefined,
        attempt: undefined,
      };
      this.#core.pending++;
      if (options.signal) {
        const signal = options.signal;
        const onAbort = () => this.#dispatcher.abort(task, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        task.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
      this.#core.scheduler.enqueue(task);
    });
  }

  /**
   * Feeds every item of `source` to the workers, never pulling more than the pool can run
   * (shared by every process() and submit() on the pool). Resolves with the summary once the
   * source ended and its items settled, or with `stopped: true` once the pool is closed or
   * killed; rejects (after in-flight items settle) with the source's error, the first failure
   * under `failFast`, or an error thrown by `onResult` or an item listener.
   */
  process(source: InputSource<I>, options: ProcessOptions<I, O> = {}): Promise<ProcessSummary<I>> {
    if (typeof options !== 'object' || options === null) {
      // travetto v0's process(source, (input, executor) => …) is ExecutionPool's
      return Promise.reject(new InvalidOptionError('options', options, 'an options object (a function per input needs ExecutionPool)'));
    }
    return this.feed(source, (item) => this.submit(item), options);
  }

  /** process() with another way to run each item (the travetto v0 compat layer runs a function on a worker). */
  protected feed<T, R>(source: InputSource<T>, run: (item: T) => Promise<R>, options: ProcessOptions<T, R>): Promise<ProcessSummary<T>> {
    return processSource(source, run, this.#gate, this, options);
  }

  /**
   * Resolves once no task is queued or running, and no worker still runs a call that settled
   * early (aborted or timed out, stopping within its grace period).
   */
  whenIdle(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops taking calls, lets every accepted call finish (or, with `force`, rejects the queued
   * ones with PoolClosedError and lets running ones finish), then ends every worker gracefully.
   */
  close(options: CloseOptions | null = {}): Promise<void> {
    options ??= {};
    if (typeof options !== 'object') return Promise.reject(new InvalidOptionError('options', options, 'an object such as { force: true }'));
    this.#gate.stop(); // process() stops pulling
    if (options.force) this.#refuseNested = true;
    if (this.#closing) {
      // close({ force }) during a draining close() still refuses the calls that have not started
      if (options.force) this.#rejectQueued(new PoolClosedError('The pool was closed before this call ran'), true);
      return this.#closing;
    }
    debug('closing%s', options.force ? ' (force)' : '');
    this.#closing = (async () => {
      if (options.force) this.#rejectQueued(new PoolClosedError('The pool was closed before this call ran'), true);
      await this.whenIdle();
      await this.#lifecycle.stopAll(false);
      unregister(this);
    })();
    return this.#closing;
  }

  /** travetto's name: drains and destroys every worker. */
  shutdown(): Promise<void> {
    return this.close();
  }

  /** Ends everything now: queued and running calls reject with PoolClosedError, workers are terminated. */
  kill(): Promise<void> {
    debug('killing');
    this.#gate.stop(); // process() stops pulling
    this.#refuseNested = true;
    this.#rejectQueued(new PoolClosedError('The pool was killed'));
    const killed = this.#lifecycle.stopAll(true).then(() => unregister(this));
    if (!this.#closing) this.#closing = killed;
    return killed;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Calls the pool runs at once when every worker is up: maxWorkers × concurrency. */
  get capacity(): number {
    return this.#core.options.maxWorkers * this.#core.options.concurrency;
  }

  /** Set once the pool gave up starting workers (a ModuleLoadError): every call rejects with it. */
  get failure(): Error | undefined {
    return this.#lifecycle.failure;
  }

  get stats(): PoolStats {
    const { scheduler, stats } = this.#core;
    return stats.snapshot(scheduler.handles as WorkerHandle<unknown, unknown>[], scheduler.queued);
  }

  /** Live workers (starting or ready). */
  get workers(): W[] {
    return this.#core.scheduler.handles.filter((h) => h.live && h.worker).map((h) => h.worker as W);
  }

  /**
   * @internal Emits `error` (worker, error) when someone listens (an unheard 'error' would throw),
   * once per error object: a thread's uncaught error is reported by the thread and again as the
   * cause of its exit.
   */
  reportError(worker: unknown, error: unknown): void {
    if (typeof error === 'object' && error !== null) {
      if (this.#reported.has(error)) return;
      this.#reported.add(error);
    }
    if (this.listenerCount(PoolEvents.ERROR) > 0) this.emit(PoolEvents.ERROR, worker, error);
  }

  /** @internal the scheduler's handles, for the module pool. */
  get handles(): readonly WorkerHandle<I, O>[] {
    return this.#core.scheduler.handles;
  }

  /** @internal lets the module pool wire each worker before it starts. */
  set onWorker(hook: (worker: W, handle: WorkerHandle<I, O>) => void) {
    this.#lifecycle.onWorker = hook;
  }

  /** @internal starts a worker outside routing that runs only tasks pinned to `id` (the module pool's 'main'). */
  spawnPinned(id: string, factory: WorkerFactory<I, O, W>): void {
    if (!this.#core.scheduler.byId(id)) this.#lifecycle.spawn({ id, factory });
  }

  /** @internal extra recycling rule checked after each call. */
  set recycleWhen(rule: (worker: W) => boolean) {
    this.#lifecycle.recycleWhen = rule;
  }

  #refusal(options: TaskOptions, nested = false): Error | undefined {
    if (this.#closing && !nested) return new PoolClosedError();
    if (this.#lifecycle.failure) return this.#lifecycle.failure;
    if (typeof options !== 'object') return new InvalidOptionError('options', options, 'an object');
    const { signal } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) return new InvalidOptionError('signal', signal, 'an AbortSignal');
    if (signal?.aborted) return new TaskAbortedError(signal.reason);
    const { maxConcurrentCalls } = this.#core.options;
    // slots reserved by process() count: an item it pulled always fits
    if (this.#core.pending + this.#gate.reserved >= maxConcurrentCalls) return new QueueFullError(maxConcurrentCalls);
    const s = options.affinityStrength;
    if (s !== undefined && s !== 'light' && s !== 'strong' && s !== 'force') {
      return new InvalidOptionError('affinityStrength', s, "'light', 'strong' or 'force'");
    }
    return undefined;
  }

  #rejectQueued(error: Error, withdraw = false): void {
    for (const task of this.#core.scheduler.takeAll()) this.#dispatcher.settle(task, false, error);
    if (withdraw) for (const handle of this.#core.scheduler.handles) this.#dispatcher.withdrawUnstarted(handle, error);
  }

  #idle(): boolean {
    return this.#core.pending === 0 && this.#core.stats.running === 0;
  }

  #settled(): void {
    this.#gate.wake(); // a process() waiting for a slot pulls its next item
    if (this.#idleWaiters.length === 0 || !this.#idle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
