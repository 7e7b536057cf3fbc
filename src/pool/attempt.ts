/** One execution of a task on a worker, and a worker's list of them. */
import type { ExecuteContext, Reply, Transferable } from '../worker/types.js';
import type { Dispatcher } from './dispatch.js';
import type { Task } from './task.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * One in-flight execution of a task on a worker: holds the worker's slot until the worker
 * answers. It is also the call's ExecuteContext and its Reply, so a call on a worker that
 * answers by callback allocates nothing besides this object.
 */
export class Attempt<I = unknown, O = unknown> implements ExecuteContext, Reply {
  /** The task side is settled (result, retry or rejection decided). */
  taskDone = false;
  /** The worker slot is released. */
  slotDone = false;
  timer: NodeJS.Timeout | undefined = undefined;
  grace: NodeJS.Timeout | undefined = undefined;
  /** Set when the call can be cancelled (it has a signal or a timeout): what its cancel has reached so far. */
  #cancel: Cancel | undefined = undefined;
  /** close({ force }) took this call back: the error it settles with if the worker had not started it. */
  withdrawn: Error | undefined = undefined;
  /** Timed out with retries left: the error it is retried with once this attempt's slot is released. */
  retryAfter: unknown = undefined;
  /** When it was sent to the worker (performance.now()): kept here, not on the task, so a queued task carries no clock value. */
  readonly startedAt = performance.now();
  /** Neighbours in the worker's in-flight list (oldest first). */
  prev: Attempt<I, O> | undefined = undefined;
  next: Attempt<I, O> | undefined = undefined;

  constructor(
    /** Gets the worker's answer. */
    readonly dispatcher: Dispatcher<I, O>,
    readonly task: Task<I, O>,
    readonly handle: WorkerHandle<I, O>,
    /** Calls already in flight on the worker when this one was sent (pipelining depth). */
    readonly depth: number,
  ) {}

  get taskId(): number {
    return this.task.id;
  }

  /** Fires when the call is cancelled (abort or timeout); made on first use, undefined for a call that cannot be cancelled. */
  get signal(): AbortSignal | undefined {
    const cancel = this.#cancel;
    if (!cancel) return undefined;
    if (!cancel.controller) {
      cancel.controller = new AbortController();
      if (cancel.done) cancel.controller.abort(cancel.reason);
    }
    return cancel.controller.signal;
  }

  /** The call has a signal or a timeout: it can be cancelled. */
  makeCancellable(): void {
    this.#cancel ??= { controller: undefined, listener: undefined, done: false, reason: undefined };
  }

  /** ExecuteContext.onCancel: one listener, told once (at once if the call was already cancelled); nothing for a call that cannot be. */
  onCancel(listener: () => void): void {
    const cancel = this.#cancel;
    if (!cancel) return;
    if (cancel.done) listener();
    else cancel.listener = listener;
  }

  /** Cancels the call (its signal fires, its onCancel listener runs), once. */
  cancel(reason: unknown): void {
    const cancel = this.#cancel;
    if (!cancel || cancel.done) return;
    cancel.done = true;
    cancel.reason = reason;
    cancel.controller?.abort(reason);
    const listener = cancel.listener;
    cancel.listener = undefined;
    listener?.();
  }

  get transfer(): readonly Transferable[] | undefined {
    return this.task.transfer;
  }

  answer(ok: boolean, value: unknown): void {
    this.dispatcher.answered(this, ok, value);
  }
}

/** What a cancellable attempt's cancel has reached: its signal is made only when a worker asks for it. */
interface Cancel {
  controller: AbortController | undefined;
  listener: (() => void) | undefined;
  done: boolean;
  reason: unknown;
}

/** A worker's in-flight attempts in send order: O(1) add and remove, no allocation. */
export class InflightList<I = unknown, O = unknown> {
  #head: Attempt<I, O> | undefined;
  #tail: Attempt<I, O> | undefined;
  size = 0;

  add(attempt: Attempt<I, O>): void {
    attempt.prev = this.#tail;
    attempt.next = undefined;
    if (this.#tail) this.#tail.next = attempt;
    else this.#head = attempt;
    this.#tail = attempt;
    this.size++;
  }

  /** Removes `attempt`; false if it was not listed. */
  delete(attempt: Attempt<I, O>): boolean {
    if (attempt.prev === undefined && this.#head !== attempt) return false;
    if (attempt.prev) attempt.prev.next = attempt.next;
    else this.#head = attempt.next;
    if (attempt.next) attempt.next.prev = attempt.prev;
    else this.#tail = attempt.prev;
    attempt.prev = attempt.next = undefined;
    this.size--;
    return true;
  }

  /** A snapshot, oldest first (safe to modify the list while walking it). */
  toArray(): Attempt<I, O>[] {
    const out: Attempt<I, O>[] = [];
    for (let a = this.#head; a; a = a.next) out.push(a);
    return out;
  }
}
