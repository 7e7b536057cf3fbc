/** Runs tasks on workers and settles each exactly once: results, errors, retries, timeouts and aborts. */
import createDebug from 'debug';
import { CallMaxRetryError } from '../errors/call-max-retry-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import { TaskAbortedError } from '../errors/task-aborted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { WorkerCrashError } from '../errors/worker-crash-error.js';
import { Attempt } from './attempt.js';
import type { PoolCore } from './core.js';
import type { Task } from './task.js';
import type { WorkerHandle } from './worker-handle.js';

const debug = createDebug('workforce:dispatch');

/**
 * Runs tasks on workers and settles them exactly once: results, ordinary errors, crashes and
 * timeouts (retried up to maxRetries), aborts (cooperative first, then the worker is replaced).
 * An attempt's task side and its worker slot are released separately: a timed-out call has
 * settled for the caller but still holds its worker until it answers or the worker is ended.
 * Task owner and state change through the Scheduler; statistics observe each attempt (StatsRecorder);
 * a worker that must go, and every answer (ttl, death), go to the Lifecycle.
 */
export class Dispatcher<I, O> {
  constructor(private readonly core: PoolCore<I, O, any>) {}

  start(task: Task<I, O>, handle: WorkerHandle<I, O>): void {
    const { core } = this;
    core.scheduler.run(task, handle);
    task.attempts++;
    handle.running++;
    core.stats.attemptStarted();
    if (handle.idleTimer) {
      clearTimeout(handle.idleTimer);
      handle.idleTimer = undefined;
    }
    const timeout = task.timeout ?? core.options.timeout;
    const attempt = new Attempt(this, task, handle, handle.running - 1);
    handle.inflight.add(attempt);
    task.attempt = attempt;
    if (task.signal || timeout !== Number.POSITIVE_INFINITY) attempt.makeCancellable();
    if (timeout !== Number.POSITIVE_INFINITY) attempt.timer = setTimeout(() => this.#timedOut(attempt), timeout);
    const worker = handle.worker!;
    try {
      if (worker.executeWithReply) return worker.executeWithReply(task.input, attempt);
      Promise.resolve(worker.execute(task.input, attempt)).then(
        (value) => this.answered(attempt, true, value),
        (error) => this.answered(attempt, false, error),
      );
    } catch (error) {
      queueMicrotask(() => this.answered(attempt, false, error));
    }
  }

  /** Settles a task once; every path that ends a task comes here. */
  settle(task: Task<I, O>, ok: boolean, value: unknown): void {
    if (!this.core.scheduler.finish(task)) return;
    task.unlisten?.();
    task.attempt = undefined;
    this.core.pending--;
    this.core.stats.taskSettled(ok);
    if (ok) task.resolve(value as O);
    else task.reject(value);
    this.core.settled();
  }

  /** The caller's signal fired: a queued task is dropped at once, a running one is cancelled. */
  abort(task: Task<I, O>, reason: unknown): void {
    if (task.state === 'done') return;
    const attempt = task.attempt;
    this.settle(task, false, new TaskAbortedError(reason));
    if (attempt) this.#cancel(attempt, 'aborted');
  }

  /**
   * A worker died: every call it held fails with the crash and is retried. With pipelining only
   * the oldest `concurrency` unfinished calls can have started (the worker runs them in arrival
   * order); the others never ran, so that attempt does not count against maxRetries.
   */
  failInflight(handle: WorkerHandle<I, O>, crash: WorkerCrashError): void {
    let started = handle.concurrency + handle.waiting;
    for (const attempt of handle.inflight.toArray()) {
      this.#release(attempt, false);
      if (!attempt.taskDone) {
        attempt.taskDone = true;
        if (started-- <= 0) attempt.task.attempts--;
        this.#failed(attempt, crash.forTask(attempt.task.id), true);
      }
    }
  }

  /**
   * close({ force }): calls sent ahead to a pipelined worker but not started there are taken
   * back and rejected with `error`; the worker answers each with TaskAbortedError, or with its
   * result if it had already started it.
   */
  withdrawUnstarted(handle: WorkerHandle<I, O>, error: Error): void {
    const worker = handle.worker;
    if (!worker?.withdraw) return;
    for (const attempt of handle.inflight.toArray()) {
      if (attempt.taskDone) continue;
      attempt.withdrawn = error;
      worker.withdraw(attempt.task.id);
    }
  }

  /** Ends every running call now (kill). */
  rejectInflight(handle: WorkerHandle<I, O>, error: Error): void {
    for (const attempt of handle.inflight.toArray()) {
      attempt.retryAfter = undefined;
      this.#release(attempt, false);
      attempt.taskDone = true;
      this.settle(attempt.task, false, error);
    }
  }

  /** A worker answered `attempt` (through Attempt.answer or execute's promise). */
  answered(attempt: Attempt<I, O>, ok: boolean, value: unknown): void {
    const { handle } = attempt;
    if (attempt.slotDone && attempt.taskDone) return;
    this.#release(attempt, ok);
    if (!attempt.taskDone) {
      attempt.taskDone = true;
      if (ok) this.settle(attempt.task, true, value);
      // the worker dropped a call close({ force }) withdrew (the runtime answers it with TaskAbortedError)
      else if (attempt.withdrawn && value instanceof TaskAbortedError) this.settle(attempt.task, false, attempt.withdrawn);
      else this.#failed(attempt, value, handle.worker?.active === false);
    }
    this.core.lifecycle.answered(handle);
    this.core.scheduler.pump(handle);
  }

  #release(attempt: Attempt<I, O>, ok: boolean): void {
    if (attempt.slotDone) return;
    attempt.slotDone = true;
    // most calls have neither timer: no clearTimeout call for them
    if (attempt.timer !== undefined) clearTimeout(attempt.timer);
    if (attempt.grace !== undefined) clearTimeout(attempt.grace);
    const { handle, task } = attempt;
    handle.inflight.delete(attempt);
    handle.running--;
    handle.calls++;
    const { stats } = this.core;
    stats.attemptFinished(attempt, ok);
    // a cancelled or timed-out call settled before its worker let go of it: whenIdle waits for that too
    if (stats.running === 0 && this.core.pending === 0) this.core.settled();
    const retry = attempt.retryAfter;
    if (retry !== undefined) {
      attempt.retryAfter = undefined;
      if (task.state !== 'done') this.#requeue(attempt, retry);
    }
  }

  /** Settles `attempt`'s task with its final error, or tries it again: now, or with `retryLater` once the attempt let go of its worker. */
  #failed(attempt: Attempt<I, O>, error: unknown, workerDied: boolean, retryLater = false): void {
    const { task } = attempt;
    clearTimeout(attempt.timer);
    if (task.attempt === attempt) task.attempt = undefined;
    if (task.state === 'done') return;
    const final = this.#finalError(attempt, error, workerDied);
    if (final !== undefined) return this.settle(task, false, final);
    if (retryLater) attempt.retryAfter = error;
    else this.#requeue(attempt, error);
  }

  /** The error `attempt`'s task settles with, or undefined when it is tried again. */
  #finalError(attempt: Attempt<I, O>, error: unknown, workerDied: boolean): unknown {
    const { task, handle } = attempt;
    const { retryOnError, retryOnTimeout } = this.core.options;
    // a timeout is retried only when asked for (a slow input is slow again), never by retryOnError
    const timedOut = error instanceof TimeoutError;
    const retriable =
      workerDied ||
      error instanceof WorkerCrashError ||
      (timedOut && retryOnTimeout) ||
      (retryOnError && !timedOut && !(error instanceof SerializationError) && !(error instanceof TaskAbortedError));
    if (!retriable) return error;
    // its ArrayBuffers/ports went with the attempt: a retry would get detached, empty copies
    if (task.transfer?.length && handle.worker?.movesTransfers) return error;
    const { maxRetries } = this.core.options;
    if (task.attempts > maxRetries) {
      debug('task %d failed %d times, giving up: %s', task.id, task.attempts, error);
      return maxRetries > 0 ? new CallMaxRetryError(error, task.attempts, task.id) : error;
    }
    return undefined;
  }

  #requeue(attempt: Attempt<I, O>, error: unknown): void {
    const { task, handle } = attempt;
    debug('task %d attempt %d failed on worker %s, retrying: %s', task.id, task.attempts, handle.id, error);
    if (task.affinity === handle.id && task.strength !== 'force') task.affinity = undefined;
    if (task.strength === 'force' && !handle.live) return this.settle(task, false, error);
    task.queuedAt = performance.now();
    this.core.scheduler.enqueue(task);
  }

  /**
   * A call ran past `timeout`: it is cancelled (its signal fires, its worker is ended after the
   * grace period). With retries left, the retry waits until this attempt has stopped or its
   * worker is gone, so a task never runs on two workers at once; otherwise it rejects now.
   */
  #timedOut(attempt: Attempt<I, O>): void {
    attempt.timer = undefined;
    if (attempt.taskDone) return;
    attempt.taskDone = true;
    const { task } = attempt;
    this.#failed(attempt, new TimeoutError(task.timeout ?? this.core.options.timeout, task.id), false, true);
    this.#cancel(attempt, 'timed out');
  }

  /** Cooperative cancel (the task's signal fires), then the worker is ended after the grace period. */
  #cancel(attempt: Attempt<I, O>, why: string): void {
    attempt.taskDone = true;
    clearTimeout(attempt.timer);
    attempt.cancel(why);
    if (attempt.slotDone || attempt.grace) return;
    const grace = this.core.options.cancelGracePeriod;
    const end = () => {
      if (!attempt.slotDone) this.core.lifecycle.terminate(attempt.handle, `task ${attempt.task.id} ${why} and did not stop within ${grace} ms`);
    };
    if (grace === 0) end();
    else attempt.grace = setTimeout(end, grace);
  }
}
