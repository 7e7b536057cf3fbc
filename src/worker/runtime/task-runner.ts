/**
 * The worker-side queue of calls: the pool may send more calls than `concurrency` (pipelining),
 * they wait here in arrival order, and the results finished within one tick go back in one frame.
 */
import { SerializationError } from '../../errors/serialization-error.js';
import { TaskAbortedError } from '../../errors/task-aborted-error.js';
import { onMicrotask } from '../../util/microtask.js';
import { encodeFailure, type Frame, ResultBatch, type TaskRecord } from '../protocol.js';
import type { Entry } from './module-loader.js';
import { isRaised, raise } from './own-errors.js';
import type { WorkerRuntime } from './runtime.js';
import { RunningTask } from './task-context.js';

/**
 * Longest stretch of synchronous tasks before finished results are sent anyway, ms (by
 * Date.now(): `performance` would load perf_hooks into every worker, ~0.3 MB of RSS).
 */
const FLUSH_AFTER = 2;

/** A promise's own `then`: it calls back once, and later. */
const PROMISE_THEN = Promise.prototype.then;

export class TaskRunner {
  #queue: (TaskRecord | undefined)[] = [];
  #head = 0;
  #active = 0;
  #results: ResultBatch | undefined;
  /** The last tick's results batch, emptied (see flush). */
  #spareResults: ResultBatch | undefined;
  readonly #running = new Map<number, RunningTask>();
  readonly #cancelled = new Set<number>();

  constructor(private readonly runtime: WorkerRuntime) {}

  /** Queues the calls of a TASK frame and starts what may start. */
  enqueue(calls: readonly TaskRecord[]): void {
    for (const call of calls) this.#queue.push(call);
    this.drain();
  }

  /** The pool aborted a call: a running one sees its signal fire, a queued one is answered now. */
  cancel(id: number): void {
    const running = this.#running.get(id);
    if (running) running.cancel(raise(new TaskAbortedError('cancelled by the pool')));
    // not arrived yet (aborted within the tick it was sent): dropped when it comes
    else if (!this.#drop(id, 'cancelled before it started')) this.#cancelled.add(id);
  }

  /** Drops a call still waiting in the local queue; a running or finished call is left alone. */
  withdraw(id: number): void {
    this.#drop(id, 'withdrawn before it started');
  }

  /** Answers a queued call with TaskAbortedError now, so its slot in the pool frees at once. */
  #drop(id: number, why: string): boolean {
    for (let i = this.#head; i < this.#queue.length; i++) {
      if (this.#queue[i]?.id === id) {
        this.#queue[i] = undefined;
        this.#cancelled.delete(id);
        this.#batch().failed(id, new TaskAbortedError(why));
        return true;
      }
    }
    return false;
  }

  /** Nothing runs, waits here or waits to be sent. */
  get idle(): boolean {
    return this.#active === 0 && this.#head === this.#queue.length && this.#results === undefined;
  }

  /** The one task running here that does not run in its own context, when exactly one does not. */
  onlyUntracked(): RunningTask | undefined {
    let found: RunningTask | undefined;
    for (const task of this.#running.values()) {
      if (task.tracked) continue;
      if (found) return undefined;
      found = task;
    }
    return found;
  }

  drain(): void {
    let since = Date.now();
    while (this.#active < this.runtime.callLimit() && this.#head < this.#queue.length) {
      const call = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined;
      if (!call) continue; // withdrawn
      if (this.#cancelled.delete(call.id)) this.#batch().failed(call.id, new TaskAbortedError('cancelled before it started'));
      else this.#start(call);
      if (Date.now() - since > FLUSH_AFTER) {
        this.flush();
        since = Date.now();
      }
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Sends the finished results now (one frame). */
  flush = (): void => {
    const batch = this.#results;
    if (!batch) return;
    this.#results = undefined;
    const heap = this.runtime.heapUsed();
    try {
      this.runtime.sendFrame(batch.frame(heap));
    } catch {
      // One result could not be cloned: send them one by one so only that call fails.
      for (const [id, frame] of batch.split(heap)) this.#sendOne(id, frame);
    }
    // the frame went out by copy (a thread or a process): its array serves the next tick
    if (this.runtime.copiesFrames) {
      batch.reset();
      this.#spareResults = batch;
    }
  };

  #start(call: TaskRecord): void {
    const { id } = call;
    let fn: Entry;
    let args: unknown[];
    try {
      fn = this.runtime.entry(call.method);
      args = this.runtime.decodeArgs(call.payload);
    } catch (error) {
      // the runtime's own MethodNotFoundError / SerializationError; anything else came from user code (a getter)
      if (isRaised(error)) this.#batch().failed(id, error);
      else this.#batch().threw(id, error);
      return;
    }
    const task = new RunningTask(id);
    this.#running.set(id, task);
    this.#active++;
    let result: unknown;
    try {
      result = this.runtime.invoke(fn, args, call.single, task);
    } catch (error) {
      return this.#done(id, false, error);
    }
    let then: unknown;
    try {
      // read once, as `await` reads it: a getter or a Proxy may throw
      then = result !== null && (typeof result === 'object' || typeof result === 'function') ? (result as PromiseLike<unknown>).then : undefined;
    } catch (error) {
      return this.#done(id, false, error);
    }
    if (typeof then !== 'function') return this.#done(id, true, result);
    // A thenable that is not a plain promise settles the task once, whatever it does (calls back
    // twice, throws), as `await` would have it, and never within this drain.
    const settled =
      then === PROMISE_THEN
        ? (result as Promise<unknown>)
        : new Promise((resolve, reject) => (then as PromiseLike<unknown>['then']).call(result, resolve, reject));
    try {
      // a promise's own then may still throw: a subclass whose Symbol.species getter throws, a
      // `constructor` getter that throws, a non-promise borrowing Promise.prototype.then —
      // then nothing was registered, and the call rejects with it, as `await` would
      settled.then(
        (value) => {
          this.#done(id, true, value);
          this.drain();
        },
        (error) => {
          this.#done(id, false, error);
          this.drain();
        },
      );
    } catch (error) {
      this.#done(id, false, error);
    }
  }

  #done(id: number, ok: boolean, value: unknown): void {
    this.#active--;
    this.#running.delete(id);
    // what user code threw is user data, whatever its name, unless it is an error the runtime raised
    if (!ok) return isRaised(value) ? this.#batch().failed(id, value) : this.#batch().threw(id, value);
    let encoded: unknown;
    try {
      encoded = this.runtime.encodeResult(value);
    } catch (error) {
      return this.#batch().failed(id, resultError(id, error));
    }
    this.#batch().returned(id, encoded);
  }

  /** This tick's results, sent on a microtask. */
  #batch(): ResultBatch {
    if (!this.#results) {
      this.#results = this.#spareResults ?? new ResultBatch();
      this.#spareResults = undefined;
      onMicrotask(this.flush);
    }
    return this.#results;
  }

  #sendOne(id: number, frame: Frame): void {
    try {
      this.runtime.sendFrame(frame);
    } catch (error) {
      try {
        this.runtime.sendFrame(encodeFailure(id, resultError(id, error)));
      } catch {
        // the pool is gone: no one is left to answer
      }
    }
  }
}

function resultError(id: number, error: unknown): SerializationError {
  return new SerializationError(`The result of task ${id} could not be encoded: ${(error as Error).message}`, { cause: error });
}
