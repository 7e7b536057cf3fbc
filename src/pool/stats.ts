/** A pool's statistics: counters and timing windows fed by what the dispatcher reports, and their snapshot. */
import type { Attempt } from './attempt.js';
import type { WorkerHandle } from './worker-handle.js';

/** Keeps the last `size` samples in a ring so percentiles stay cheap and memory flat. */
export class SampleWindow {
  readonly #samples: Float64Array;
  #count = 0;
  #next = 0;

  constructor(size = 2048) {
    this.#samples = new Float64Array(size);
  }

  add(value: number): void {
    this.#samples[this.#next] = value;
    this.#next = (this.#next + 1) % this.#samples.length;
    if (this.#count < this.#samples.length) this.#count++;
  }

  percentiles(): Percentiles {
    if (this.#count === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    const sorted = this.#samples.slice(0, this.#count).sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    let sum = 0;
    for (const v of sorted) sum += v;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1], mean: sum / sorted.length };
  }
}

/** A distribution of durations in ms, over the recent samples. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** One worker's share of PoolStats. */
export interface WorkerStats {
  id: number | string;
  state: string;
  running: number;
  queued: number;
  completed: number;
  failed: number;
  /** Tasks other workers took from this worker's queue. */
  stolen: number;
  /** Calls sent ahead to this worker (pipelining) that wait in its own queue; counted in `queued`, not `running`. */
  sentAhead: number;
  /** Share of its lifetime the worker spent running tasks (0..1, can exceed 1 with concurrency). */
  utilization: number;
}

/** `pool.stats()`: a snapshot of the pool's workers, queues and timings, computed when read. */
export interface PoolStats {
  workers: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
  /** Of `queued`, the calls already sent ahead to a worker (pipelining), waiting in its own queue. */
  sentAhead: number;
  /** Time tasks waited in a queue before starting, ms. */
  waitTime: Percentiles;
  /** Time tasks ran, ms. */
  runTime: Percentiles;
  /** Mean utilisation of the live workers (0..1). */
  utilization: number;
  perWorker: WorkerStats[];
}

/**
 * Observes the dispatcher's attempts and tasks (started, finished, settled) on the hot path; the
 * snapshot is computed on read.
 */
export class StatsRecorder {
  completed = 0;
  failed = 0;
  /** Attempts holding a worker slot (including timed-out or aborted ones still running). */
  running = 0;
  /** Pool-wide mean run time of calls (ms, 0 = none yet): least-busy routing's weight for workers without history, and what opens the pipelining window. */
  meanRunTime = 0;
  readonly wait = new SampleWindow();
  readonly run = new SampleWindow();

  attemptStarted(): void {
    this.running++;
  }

  /** An attempt let go of its worker slot (answered, or its worker is gone). */
  attemptFinished<I, O>(attempt: Attempt<I, O>, ok: boolean): void {
    this.running--;
    const { handle, task } = attempt;
    const now = performance.now();
    // A call sent ahead (pipelining) waited in the worker's own queue behind earlier calls: that
    // counts as waiting, and its estimated service time as running.
    const run = handle.recordRun(now - attempt.startedAt, attempt.depth);
    this.wait.add(now - task.queuedAt - run);
    this.run.add(run);
    this.meanRunTime = this.meanRunTime === 0 ? run : this.meanRunTime * 0.9 + run * 0.1;
    if (ok) handle.completed++;
    else handle.failed++;
  }

  /** A task settled for its caller (result or final error). */
  taskSettled(ok: boolean): void {
    if (ok) this.completed++;
    else this.failed++;
  }

  snapshot(handles: readonly WorkerHandle<unknown, unknown>[], queued: number): PoolStats {
    const now = Date.now();
    const live = handles.filter((h) => h.live);
    let sentAhead = 0;
    let notRunning = 0;
    const perWorker = live.map((h) => {
      const { ahead, withdrawing } = sentAheadOf(h);
      sentAhead += ahead;
      notRunning += ahead + withdrawing;
      return {
        id: h.id,
        state: h.state,
        running: h.running - ahead - withdrawing,
        queued: h.queued + ahead,
        completed: h.completed,
        failed: h.failed,
        stolen: h.stolen,
        sentAhead: ahead,
        utilization: h.busyTime / Math.max(1, now - h.startedAt),
      };
    });
    const utilization = perWorker.length === 0 ? 0 : perWorker.reduce((s, w) => s + Math.min(1, w.utilization), 0) / perWorker.length;
    return {
      workers: live.filter((h) => !h.pinnedOnly).length,
      queued: queued + sentAhead,
      running: this.running - notRunning,
      sentAhead,
      completed: this.completed,
      failed: this.failed,
      waitTime: this.wait.percentiles(),
      runTime: this.run.percentiles(),
      utilization,
      perWorker,
    };
  }
}

/**
 * A pipelined worker runs its calls in arrival order, at most concurrency (+ lent slots) at once;
 * the rest wait in its own queue (sent ahead). Of those, calls the caller already gave up on
 * (aborted, timed out) are only waiting for the worker to acknowledge the withdrawal: they are
 * neither queued nor running.
 */
function sentAheadOf(h: WorkerHandle<unknown, unknown>): { ahead: number; withdrawing: number } {
  const started = h.concurrency + h.waiting;
  if (h.running <= started) return { ahead: 0, withdrawing: 0 };
  const beyond = h.inflight.toArray().slice(started);
  const withdrawing = beyond.filter((attempt) => attempt.taskDone).length;
  return { ahead: beyond.length - withdrawing, withdrawing };
}
