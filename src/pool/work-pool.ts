import { EventEmitter, errorMonitor } from 'node:events';
import createDebug from 'debug';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { PoolClosedError } from '../errors/pool-closed-error.js';
import { QueueFullError } from '../errors/queue-full-error.js';
import { TaskAbortedError } from '../errors/task-aborted-error.js';
import { delay } from '../util/validate.js';
import type { PoolWorker, WorkerFactory } from '../worker/types.js';
import { PoolCore } from './core.js';
import type { Dispatcher } from './dispatch.js';
import { emitIsolated, PoolEvents, WORKER_EVENTS } from './events.js';
import type { Lifecycle } from './lifecycle.js';
import { checkOptionNames, ENGINE_OPTION_NAMES, type EngineOptions, resolveEngineOptions, TASK_OPTION_NAMES, unknownOption } from './options.js';
import { register, unregister } from './registry.js';
import type { FeedGate } from './sources/feed-gate.js';
import { type InputSource, type ProcessOptions, type ProcessSummary, processSource } from './sources/process.js';
import type { PoolStats } from './stats.js';
import type { Task, TaskOptions } from './task.js';
import type { WorkerHandle } from './worker-handle.js';

const debug = createDebug('workforce:pool');

/** WorkPool's options: the engine's (minWorkers defaults to 1, maxWorkers to the CPU count: the pool grows under load). */
export type WorkPoolOptions = EngineOptions;

/** Options of `close()`. */
export interface CloseOptions {
  /** Reject queued calls with PoolClosedError instead of running them first. */
  force?: boolean;
}

let taskIds = 0;

const NO_OPTIONS: TaskOptions = Object.freeze({});

/** A task's settle functions until its promise exists. */
const unset = (): void => {};
/** The task whose promise is being made: the one executor every task's promise shares hands it its settle functions (no closure is made per task). */
let making: Task<any, any> | undefined;
function takeSettlers(resolve: (value: any) => void, reject: (error: unknown) => void): void {
  making!.resolve = resolve;
  making!.reject = reject;
  making = undefined;
}

/**
 * The generic pool: any worker object `{ id, active, init?, execute, destroy }` from a factory,
 * fed by `submit()` or by input sources through `process()`. The module pool (`createPool`) is
 * this same engine over thread, process and inline workers.
 */
export class WorkPool<I = unknown, O = unknown, W extends PoolWorker<I, O> = PoolWorker<I, O>> extends EventEmitter {
  readonly #core: PoolCore<I, O, W>;
  readonly #dispatcher: Dispatcher<I, O>;
  readonly #lifecycle: Lifecycle<I, O, W>;
  #closing: Promise<void> | undefined;
  /** kill() or close({ force }): running calls may no longer queue nested tasks. */
  #refuseNested = false;
  /** process() feeds: pool-wide backpressure and stop on close/kill (PoolCore.gate). */
  readonly #gate: FeedGate;

  constructor(factory: WorkerFactory<I, O, W>, options: WorkPoolOptions = {}) {
    super();
    if (typeof factory !== 'function') throw new InvalidOptionError('factory', factory, 'a function returning a worker');
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'an object');
    checkOptionNames(options, ENGINE_OPTION_NAMES, 'WorkPool');
    // one worker at rest (minWorkers), growing to maxWorkers (the CPU count unless given) under load
    const resolved = resolveEngineOptions(options);
    // the engine (./core.ts): scheduler, dispatcher and lifecycle, wired to each other
    const core = new PoolCore<I, O, W>(this, resolved, factory);
    this.#core = core;
    this.#dispatcher = core.dispatcher;
    this.#lifecycle = core.lifecycle;
    this.#gate = core.gate;
    // the subclass API's two hooks, installed only when overridden (recycling is checked after every call)
    if (this.onWorker !== WorkPool.prototype.onWorker) this.#lifecycle.onWorker = (worker, handle) => this.onWorker(worker, handle);
    if (this.shouldRecycle !== WorkPool.prototype.shouldRecycle) this.#lifecycle.recycleWhen = (worker) => this.shouldRecycle(worker);
    this.#lifecycle.ensureSize();
    register(this);
  }

  /** Runs one input on a worker; resolves with its output. */
  submit(input: I, options: TaskOptions | null = NO_OPTIONS): Promise<O> {
    options ??= NO_OPTIONS;
    return this.#enqueue(input, options, this.#refusal(options));
  }

  /**
   * Subclass API — a task queued by a running task (the module pool's nested tasks): accepted while
   * close() lets the running calls finish, refused after kill() or close({ force }).
   */
  protected submitNested(input: I, options: TaskOptions = NO_OPTIONS): Promise<O> {
    return this.#enqueue(input, options, this.admitsNested ? this.#refusal(options, true) : new PoolClosedError());
  }

  /** Subclass API — submitNested() would take a task (as far as closing goes). */
  protected get admitsNested(): boolean {
    return !this.#refuseNested && !this.#lifecycle.closed;
  }

  #enqueue(input: I, options: TaskOptions, refused: Error | undefined): Promise<O> {
    if (refused) return Promise.reject(refused);
    const task: Task<I, O> = {
      id: ++taskIds,
      input,
      resolve: unset,
      reject: unset,
      state: 'queued',
      owner: undefined,
      affinity: options.affinity,
      strength: options.affinity === undefined ? undefined : (options.affinityStrength ?? 'light'),
      attempts: 0,
      signal: options.signal,
      transfer: options.transfer,
      timeout: options.timeout,
      queuedAt: performance.now(),
      unlisten: undefined,
      attempt: undefined,
    };
    making = task;
    const promise = new Promise<O>(takeSettlers);
    this.#core.pending++;
    if (options.signal) {
      const signal = options.signal;
      const onAbort = () => this.#dispatcher.abort(task, signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      task.unlisten = () => signal.removeEventListener('abort', onAbort);
    }
    try {
      this.#core.scheduler.enqueue(task);
    } catch (error) {
      task.reject(error);
    }
    return promise;
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
      return Promise.reject(
        new InvalidOptionError(
          'options',
          options,
          'an options object (a function run per input with a borrowed worker is ExecutionPool, in workforcejs/compat)',
        ),
      );
    }
    return this.feed(source, (item) => this.submit(item), options);
  }

  /** process() with another way to run each item (a subclass may run a function on a worker, say). */
  protected feed<T, R>(source: InputSource<T>, run: (item: T) => Promise<R>, options: ProcessOptions<T, R>): Promise<ProcessSummary<T>> {
    return processSource(source, run, this.#gate, this, options);
  }

  /**
   * Resolves once no task is queued or running, and no worker still runs a call that settled
   * early (aborted or timed out, stopping within its grace period).
   */
  whenIdle(): Promise<void> {
    return this.#core.whenIdle();
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
   * Subclass API — emits `error` (worker, error) when someone listens (an unheard 'error' would throw),
   * once per error object: a thread's uncaught error is reported by the thread and again as the
   * cause of its exit. `fromWorker`: the worker's own error, a WorkforceWarning when unheard.
   */
  protected reportError(worker: unknown, error: unknown, fromWorker = false): void {
    this.#core.reportError(worker, error, fromWorker);
  }

  /**
   * Worker events (online, exit, error, message, …; see WORKER_EVENTS) call each listener on its
   * own: one that throws or rejects skips neither the other listeners nor the pool's work, and
   * is reported once as 'error' (worker, error), or as a process warning when nothing listens to
   * 'error' or an 'error' listener threw (never recursion). The pool emits them after its own
   * bookkeeping, so a listener sees a consistent pool and may call into it.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (!WORKER_EVENTS.has(event)) return super.emit(event, ...args);
    // as EventEmitter does: errorMonitor listeners see an 'error' first
    if (event === PoolEvents.ERROR) emitIsolated(this, errorMonitor, args, (error) => this.#listenerFailed(event, args[0], error));
    return emitIsolated(this, event, args, (error) => this.#listenerFailed(event, args[0], error));
  }

  #listenerFailed(event: string | symbol, worker: unknown, error: unknown): void {
    if (event !== PoolEvents.ERROR && this.listenerCount(PoolEvents.ERROR) > 0) return this.reportError(worker, error);
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.emitWarning(`A pool '${String(event)}' listener threw: ${text}`, 'WorkforceWarning');
  }

  /** Subclass API — every worker slot the scheduler knows (starting, ready, retiring; 'main' included). */
  protected get handles(): readonly WorkerHandle<I, O>[] {
    return this.#core.scheduler.handles;
  }

  /**
   * Subclass API — called with each new worker before it starts (after the factory returned it),
   * to wire its events and messages. Does nothing here.
   */
  protected onWorker(_worker: W, _handle: WorkerHandle<I, O>): void {}

  /** Subclass API — an extra recycling rule checked after each call (besides `ttl`). False here. */
  protected shouldRecycle(_worker: W): boolean {
    return false;
  }

  /** Subclass API — starts a worker outside routing that runs only tasks pinned to `id` (the module pool's 'main'), once. */
  protected spawnPinned(id: string, factory: WorkerFactory<I, O, W>): void {
    if (!this.#core.scheduler.byId(id)) this.#lifecycle.spawn({ id, factory });
  }

  #refusal(options: TaskOptions, nested = false): Error | undefined {
    if (this.#closing && !nested) return new PoolClosedError();
    if (this.#lifecycle.failure) return this.#lifecycle.failure;
    if (typeof options !== 'object') return new InvalidOptionError('options', options, 'an object');
    if (options !== NO_OPTIONS) {
      if (Array.isArray(options)) return new InvalidOptionError('options', options, 'an object of task options, not an array');
      const unknown = unknownOption(options, TASK_OPTION_NAMES, 'a task');
      if (unknown) return unknown;
      if (options.transfer !== undefined && !Array.isArray(options.transfer)) {
        return new InvalidOptionError('transfer', options.transfer, 'an array of ArrayBuffers, MessagePorts or other transferables');
      }
      const { affinity } = options;
      if (affinity !== undefined) {
        if (typeof affinity !== 'number' && typeof affinity !== 'string') return new InvalidOptionError('affinity', affinity, 'a worker id');
        // a worker still starting counts; one that is gone (or never was) cannot take the task
        if (!this.#core.scheduler.byId(affinity)) return new InvalidOptionError('affinity', affinity, 'the id of a live worker of this pool');
      }
    }
    if (options.timeout !== undefined) {
      try {
        delay('timeout', options.timeout, 1);
      } catch (error) {
        return error as InvalidOptionError;
      }
    }
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
}
