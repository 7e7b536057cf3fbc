/**
 * A thread worker's budget of `postMessageToPool` messages the pool has not handled yet, so that
 * a worker posting faster than the pool reads cannot pile messages up in the parent's memory.
 *
 * Two Int32s in a SharedArrayBuffer both sides see: the messages in flight, and whether the
 * worker waits. The worker adds one per message; once `limit` are in flight, `postMessageToPool`
 * blocks its thread (Atomics.wait) until the pool has handled half of them (a low-water mark, so
 * the worker is not woken for every single message). The pool subtracts one per message it
 * handled and wakes the worker at the mark. No extra message crosses the wire. Process workers
 * need none: their IPC pipe pushes back by itself.
 */
export interface MessageBudgetShare {
  counter: SharedArrayBuffer;
  limit: number;
}

const IN_FLIGHT = 0;
const WAITING = 1;
/** How long one wait lasts before the worker checks the pool is still there, ms. */
const WAIT_SLICE = 100;

export class MessageBudget {
  readonly #slots: Int32Array;
  readonly limit: number;
  /** The worker resumes once this few are in flight. */
  readonly #resume: number;

  constructor(share: MessageBudgetShare) {
    this.#slots = new Int32Array(share.counter);
    this.limit = share.limit;
    this.#resume = share.limit >> 1;
  }

  /** The parent's side: a budget for a new thread (a limit of Infinity needs none). */
  static share(limit: number): MessageBudgetShare | undefined {
    if (!Number.isFinite(limit)) return undefined;
    // the counter is an Int32: a budget beyond 2^30 is as good as none, and must not overflow it
    return { counter: new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT), limit: Math.max(1, Math.min(Math.floor(limit), 2 ** 30)) };
  }

  /** Messages sent and not yet handled. */
  get pending(): number {
    return Atomics.load(this.#slots, IN_FLIGHT);
  }

  /**
   * The worker's side, before each message: returns once there is room, and counts this one.
   * Blocks the thread meanwhile; `connected` is asked between waits so that a pool that went away
   * does not leave the thread waiting.
   */
  take(connected: () => boolean): void {
    const slots = this.#slots;
    if (Atomics.load(slots, IN_FLIGHT) >= this.limit) {
      Atomics.store(slots, WAITING, 1);
      // re-read after raising the flag: the pool may have drained in between (then it lowers the
      // flag, and the wait below returns at once)
      while (Atomics.load(slots, IN_FLIGHT) > this.#resume && connected()) Atomics.wait(slots, WAITING, 1, WAIT_SLICE);
      Atomics.store(slots, WAITING, 0);
    }
    // only this thread adds: nothing but the pool's releases can have changed it since the load
    Atomics.add(slots, IN_FLIGHT, 1);
  }

  /** The parent's side, once a message is handled: frees its place, and wakes a waiting worker at the low-water mark. */
  release(): void {
    const slots = this.#slots;
    const before = Atomics.sub(slots, IN_FLIGHT, 1);
    // a POST the worker sent around the budget (raw parentPort) must not lend it credit
    if (before <= 0) Atomics.add(slots, IN_FLIGHT, 1);
    else if (before - 1 <= this.#resume && Atomics.compareExchange(slots, WAITING, 1, 0) === 1) Atomics.notify(slots, WAITING);
  }
}
