import { serializeError } from '../../errors/remote-error.js';
import { SerializationError } from '../../errors/serialization-error.js';
import { TaskAbortedError } from '../../errors/task-aborted-error.js';
import { Op } from '../protocol.js';
import type { Entry } from './module-loader.js';
import { RunningTask } from './task-context.js';

export interface RunnerHost {
  /** Calls that may run at once now (concurrency, plus one per nested task being awaited). */
  limit(): number;
  entry(method: string | null): Entry;
  decode(payload: unknown): unknown[];
  encode(value: unknown): unknown;
  send(message: unknown[]): void;
  heap(): number | null;
  /** Calls the entry point; `task` is current while it runs synchronously. */
  invoke(fn: Entry, args: unknown[], single: boolean, task: RunningTask): unknown;
}

/** Longest stretch of synchronous tasks before finished results are sent anyway, ms. */
const FLUSH_AFTER = 2;
/** Marks a queued call that was withdrawn or cancelled (and already answered): ids are ≥ 1. */
const WITHDRAWN = -1;

/**
 * The worker-side queue: the pool may send more calls than `concurrency` (pipelining), and
 * they wait here in arrival order. Results finished within one tick go back in one message.
 */
export class TaskRunner {
  #queue: unknown[] = [];
  #head = 0;
  #active = 0;
  #results: unknown[] | undefined;
  readonly #running = new Map<number, RunningTask>();
  readonly #cancelled = new Set<number>();

  constructor(private readonly host: RunnerHost) {}

  /** Queues the groups of a TASK message (from index 1) and starts what may start. */
  enqueue(message: readonly unknown[]): void {
    for (let i = 1; i < message.length; i++) this.#queue.push(message[i]);
    this.drain();
  }

  /** The pool aborted a call: a running one sees its signal fire, a queued one is answered now. */
  cancel(id: number): void {
    const running = this.#running.get(id);
    if (running) running.cancel(new TaskAbortedError('cancelled by the pool'));
    // not arrived yet (aborted within the tick it was sent): dropped when it comes
    else if (!this.#drop(id, 'cancelled before it started')) this.#cancelled.add(id);
  }

  /** Drops a call still waiting in the local queue; a running or finished call is left alone. */
  withdraw(id: number): void {
    this.#drop(id, 'withdrawn before it started');
  }

  /** Answers a queued call with TaskAbortedError now, so its slot in the pool frees at once. */
  #drop(id: number, why: string): boolean {
    for (let i = this.#head; i < this.#queue.length; i += 4) {
      if (this.#queue[i] === id) {
        this.#queue[i] = WITHDRAWN;
        this.#queue[i + 2] = undefined;
        this.#cancelled.delete(id);
        this.#reply(id, 0, serializeError(new TaskAbortedError(why)));
        return true;
      }
    }
    return false;
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
    let since = performance.now();
    while (this.#active < this.host.limit() && this.#head < this.#queue.length) {
      const q = this.#queue;
      const h = this.#head;
      const id = q[h] as number;
      const method = q[h + 1] as string | null;
      const payload = q[h + 2];
      const single = q[h + 3] === 1;
      q[h + 2] = undefined;
      this.#head = h + 4;
      if (id === WITHDRAWN) continue;
      if (this.#cancelled.delete(id)) this.#reply(id, 0, serializeError(new TaskAbortedError('cancelled before it started')));
      else this.#start(id, method, payload, single);
      if (performance.now() - since > FLUSH_AFTER) {
        this.flush();
        since = performance.now();
      }
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 4096) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Sends the finished results now (one message). */
  flush = (): void => {
    const batch = this.#results;
    if (!batch) return;
    this.#results = undefined;
    batch[1] = this.host.heap();
    try {
      this.host.send(batch);
    } catch {
      // One result could not be cloned: send them one by one so only that call fails.
      for (let i = 2; i < batch.length; i += 3) this.#sendOne(batch[i] as number, batch[i + 1] as 0 | 1, batch[i + 2]);
    }
  };

  #start(id: number, method: string | null, payload: unknown, single: boolean): void {
    let fn: Entry;
    let args: unknown[];
    try {
      fn = this.host.entry(method);
      args = this.host.decode(payload);
    } catch (error) {
      return this.#reply(id, 0, serializeError(error));
    }
    const task = new RunningTask(id);
    this.#running.set(id, task);
    this.#active++;
    let result: unknown;
    try {
      result = this.host.invoke(fn, args, single, task);
    } catch (error) {
      return this.#done(id, false, error);
    }
    if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
      (result as PromiseLike<unknown>).then(
        (value) => {
          this.#done(id, true, value);
          this.drain();
        },
        (error) => {
          this.#done(id, false, error);
          this.drain();
        },
      );
    } else this.#done(id, true, result);
  }

  #done(id: number, ok: boolean, value: unknown): void {
    this.#active--;
    this.#running.delete(id);
    if (!ok) return this.#reply(id, 0, serializeError(value));
    let encoded: unknown;
    try {
      encoded = this.host.encode(value);
    } catch (error) {
      return this.#reply(id, 0, serializeError(resultError(id, error)));
    }
    this.#reply(id, 1, encoded);
  }

  #reply(id: number, ok: 0 | 1, value: unknown): void {
    if (!this.#results) {
      this.#results = [Op.RESULT, null];
      queueMicrotask(this.flush);
    }
    this.#results.push(id, ok, value);
  }

  #sendOne(id: number, ok: 0 | 1, value: unknown): void {
    try {
      this.host.send([Op.RESULT, this.host.heap(), id, ok, value]);
    } catch (error) {
      try {
        this.host.send([Op.RESULT, null, id, 0, serializeError(resultError(id, error))]);
      } catch {
        // the pool is gone: no one is left to answer
      }
    }
  }
}

function resultError(id: number, error: unknown): SerializationError {
  return new SerializationError(`The result of task ${id} could not be encoded: ${(error as Error).message}`, { cause: error });
}
