import { Tally } from '../util/tally.js';
import type { PoolWorker } from '../worker/types.js';
import { InflightList } from './attempt.js';
import { RingQueue } from './ring-queue.js';
import type { Task } from './task.js';
import { checkMove, type WorkerState } from './worker-state.js';

/** Calls shorter than this (ms, on average) are pipelined. */
const PIPELINE_BELOW_MS = 1;
/**
 * Estimated work (ms, at the pool's mean call time) a worker may hold waiting behind each of its
 * slots: the window is as many calls as fit in it, so tiny calls travel hundreds to a message and
 * a call that turns out long holds up little work sent ahead behind it.
 */
const WINDOW_BUDGET_MS = 2;
/**
 * Fewest calls in an open window: the mean call time includes the round trip (a lone call's time
 * is mostly messaging), so a window sized on it alone would stay too small to hide that round trip.
 */
const MIN_WINDOW = 8;

/** The pool's small record of one worker: its own queue, its load and its counters. */
export class WorkerHandle<I = unknown, O = unknown> {
  worker: PoolWorker<I, O> | undefined;
  #state: WorkerState = 'starting';
  readonly queue = new RingQueue<Task<I, O>>();
  /** Live tasks in `queue` (the ring also holds stale references). */
  queued = 0;
  /** Slots held by attempts (including timed-out or aborted ones still running). */
  running = 0;
  /** Pending nested calls per lending group (a task of this worker waiting on them); the worker counts the same groups. */
  readonly lending = new Tally<number>();
  readonly inflight = new InflightList<I, O>();
  /** Calls finished (for ttl). */
  calls = 0;
  completed = 0;
  failed = 0;
  stolen = 0;
  busyTime = 0;
  /** Exponentially weighted mean run time of this worker's tasks, ms (0 = unknown). */
  meanRunTime = 0;
  idleTimer: NodeJS.Timeout | undefined;
  readonly startedAt = Date.now();
  /** When it came online (performance.now()). */
  onlineAt = 0;
  /**
   * The start attempt (factory, then init()), settled once the lifecycle handled its outcome
   * (online or failed): a graceful stop of a starting worker waits for it. Not a state: the
   * worker may already be `stopping` while it still starts.
   */
  started: Promise<void> = Promise.resolve();
  /** Its way out once the pool ends it (stop, terminate, failed start): close() and kill() wait for it. */
  exit: Promise<void> | undefined;
  /** Why terminate() ended it (a call would not stop): part of the crash its calls get once it is gone. */
  terminatedFor: string | undefined;
  /**
   * Its failed start was counted. Not a state: the outcome of a start can arrive twice, in either
   * order (init() rejects, and the worker reports its exit), and must be counted once.
   */
  startFailureCounted = false;

  /**
   * Extra calls in flight beyond `concurrency` (pipelining), while the pool's calls are short (else
   * 0): as many as fit in WINDOW_BUDGET_MS per slot at the mean call time (at least MIN_WINDOW), at most `prefetch`.
   * Decided on the pool's mean service time, not this worker's: one slow round trip on one worker
   * must not close its window while the other's stays open (a burst would then pile onto the open one).
   */
  get window(): number {
    const mean = this.pace.meanRunTime;
    if (this.prefetch === 0 || !(mean > 0) || mean >= PIPELINE_BELOW_MS) return 0;
    const fit = Math.floor((WINDOW_BUDGET_MS * this.concurrency) / mean);
    return Math.min(this.prefetch, fit < MIN_WINDOW ? MIN_WINDOW : fit);
  }

  constructor(
    readonly id: number | string,
    readonly concurrency: number,
    /** Excluded from routing and stealing; only tasks with affinity to it run on it. */
    readonly pinnedOnly = false,
    /** Calls before recycling. */
    readonly ttl = Number.POSITIVE_INFINITY,
    /** The pool's mean service time of calls (ms, 0 = none yet): it opens and closes the window. */
    private readonly pace: { readonly meanRunTime: number } = { meanRunTime: 0 },
  ) {}

  /** Pipelining window for short calls; 0 when the worker does not queue calls itself or a timeout is set. */
  prefetch = 0;

  /** The window opens once a first call showed that calls are short (slow start: long calls are never sent ahead). */
  enablePipelining(prefetch: number): void {
    this.prefetch = prefetch;
  }

  /** Tasks of this worker waiting on nested calls: each lends it one extra slot, so it cannot deadlock. */
  get waiting(): number {
    return this.lending.size;
  }

  /** Where it is in its life (./worker-state.ts); changed only through moveTo. */
  get state(): WorkerState {
    return this.#state;
  }

  /** The one way to change `state`: a move the table in ./worker-state.ts does not list is a bug (it throws under tests). */
  moveTo(next: WorkerState): void {
    this.#state = checkMove(this.id, this.#state, next);
  }

  get ready(): boolean {
    return this.state === 'ready' || this.state === 'retiring';
  }

  /** Accepts new tasks from routing (a retiring worker only finishes what it has). */
  get accepting(): boolean {
    return this.state === 'starting' || this.state === 'ready';
  }

  get live(): boolean {
    return this.state !== 'dead' && this.state !== 'stopping';
  }

  /** Calls that may be sent to this worker now: its slots, lent slots, the pipelining window, and what ttl still allows. */
  get free(): number {
    const slots = this.concurrency + this.waiting + this.window - this.running;
    // A retiring worker still runs the forced tasks kept on it (redistribute), past its ttl:
    // capping it here would leave them queued forever.
    if (this.state === 'retiring') return slots;
    // lent slots are exempt: a worker waiting on its own nested tasks must be able to run them
    return Math.min(slots, this.ttl - this.calls - this.running + this.waiting);
  }

  /**
   * Records a call's time. With pipelining a call also waited behind the `depth` calls sent
   * before it, so its own service time is estimated as time / (calls ahead per slot + 1), and returned.
   */
  recordRun(ms: number, depth: number): number {
    this.busyTime += ms / Math.max(1, depth / this.concurrency);
    const service = ms / (Math.floor(depth / this.concurrency) + 1);
    this.meanRunTime = this.meanRunTime === 0 ? service : this.meanRunTime * 0.8 + service * 0.2;
    return service;
  }
}
