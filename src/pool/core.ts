/** The engine of one pool: its options and counters, and the three collaborators of a task's path, wired to each other here. */
import type { EventEmitter } from 'node:events';
import type { PoolWorker, WorkerFactory } from '../worker/types.js';
import { Dispatcher } from './dispatch.js';
import { PoolEvents } from './events.js';
import { Lifecycle } from './lifecycle.js';
import type { ResolvedEngineOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import { FeedGate } from './sources/feed-gate.js';
import { StatsRecorder } from './stats.js';

/**
 * A task's path, top to bottom: WorkPool.submit → Scheduler.enqueue (which worker, which queue)
 * → Scheduler.pump → Dispatcher.start (an Attempt on the worker) → the worker answers
 * (Attempt.answer) → Dispatcher.answered (settle, retry or fail; Lifecycle.answered for ttl and
 * death) → Scheduler.pump for the worker's next task. Lifecycle starts, replaces and ends
 * workers (./worker-state.ts holds their states). Each of them reaches the others through this
 * object, by their concrete classes.
 */
export class PoolCore<I, O, W extends PoolWorker<I, O> = PoolWorker<I, O>> {
  readonly scheduler: Scheduler<I, O>;
  readonly dispatcher: Dispatcher<I, O>;
  readonly lifecycle: Lifecycle<I, O, W>;
  readonly stats = new StatsRecorder();
  /** Tasks accepted and not yet settled. */
  pending = 0;
  /** process() feeds: pool-wide backpressure (bound min(maxWorkers × concurrency + the open pipelining windows, maxConcurrentCalls)) and stop on close/kill. */
  readonly gate: FeedGate;
  #idleWaiters: (() => void)[] = [];
  readonly #reported = new WeakSet<object>();

  constructor(
    /** The pool: where worker events are emitted (each listener isolated, see WorkPool.emit). */
    readonly events: EventEmitter,
    readonly options: ResolvedEngineOptions,
    factory: WorkerFactory<I, O, W>,
  ) {
    this.gate = new FeedGate(
      () => Math.min(options.maxWorkers * options.concurrency + this.#openWindows(), options.maxConcurrentCalls),
      () => this.pending,
    );
    this.scheduler = new Scheduler(this);
    this.dispatcher = new Dispatcher(this);
    this.lifecycle = new Lifecycle(this, factory);
  }

  /**
   * Calls the workers take beyond their slots right now: their pipelining windows, open while
   * calls are short. A feed pulls that far ahead too, or short calls would each wait a round trip.
   */
  #openWindows(): number {
    let n = 0;
    for (const h of this.scheduler.handles) n += h.window;
    return n;
  }

  /** No task queued or running, and no worker still running a call that settled early (aborted, timed out). */
  get idle(): boolean {
    return this.pending === 0 && this.stats.running === 0;
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** A task settled, or the last running call let go of its worker: wakes process() feeds and whenIdle() waiters. */
  settled(): void {
    this.gate.wake(); // a process() waiting for a slot pulls its next item
    if (this.#idleWaiters.length === 0 || !this.idle) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Emits `error` (worker, error) when someone listens (an unheard 'error' would throw), once per
   * error object: a thread's uncaught error is reported by the thread and again as the cause of
   * its exit. Unheard, a worker's own error (`fromWorker`: uncaught in it, or a frame it sent that
   * does not decode) becomes a WorkforceWarning, so that it is never silent; the pool's other
   * reports (a failed start, which its calls get anyway, a worker that would not stop) do not.
   */
  reportError(worker: unknown, error: unknown, fromWorker = false): void {
    if (typeof error === 'object' && error !== null) {
      if (this.#reported.has(error)) return;
      this.#reported.add(error);
    }
    if (this.events.listenerCount(PoolEvents.ERROR) > 0) this.events.emit(PoolEvents.ERROR, worker, error);
    else if (fromWorker) warnUnheard(worker, error);
  }
}

/** A worker's error that no 'error' listener hears, as a process warning. */
function warnUnheard(worker: unknown, error: unknown): void {
  const id = (worker as { id?: unknown } | undefined)?.id;
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.emitWarning(`Worker ${String(id)} had an error of its own (listen to the pool's 'error' event to handle it): ${text}`, 'WorkforceWarning');
}
