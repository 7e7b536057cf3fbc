/**
 * A thread worker's budget of `postMessageToPool` messages the pool has not handled yet, so that
 * a worker posting faster than the pool reads cannot pile messages up in the parent's memory.
 *
 * One Int32 in a SharedArrayBuffer both sides see counts the messages in flight. The worker adds
 * one per message; once `limit` are in flight, `postMessageToPool` blocks its thread
 * (Atomics.wait) until the pool has handled one, which subtracts one and wakes it. No extra
 * message crosses the wire. Process workers need none: their IPC pipe pushes back by itself.
 */
export interface MessageBudgetShare {
  counter: SharedArrayBuffer;
  limit: number;
}

/** How long one wait lasts before the worker checks the pool is still there, ms. */
const WAIT_SLICE = 100;

export class MessageBudget {
  readonly #counter: Int32Array;
  readonly limit: number;

  constructor(share: MessageBudgetShare) {
    this.#counter = new Int32Array(share.counter);
    this.limit = share.limit;
  }

  /** The parent's side: a budget for a new thread (a limit of Infinity needs none). */
  static share(limit: number): MessageBudgetShare | undefined {
    if (!Number.isFinite(limit)) return undefined;
    // the counter is an Int32: a budget beyond 2^30 is as good as none, and must not overflow it
    return { counter: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT), limit: Math.max(1, Math.min(Math.floor(limit), 2 ** 30)) };
  }

  /** Messages sent and not yet handled. */
  get pending(): number {
    return Atomics.load(this.#counter, 0);
  }

  /**
   * The worker's side, before each message: returns once fewer than `limit` are in flight, and
   * counts this one. Blocks the thread meanwhile; `connected` is asked between waits so a pool
   * that went away does not leave the thread waiting.
   */
  take(connected: () => boolean): void {
    const counter = this.#counter;
    for (;;) {
      const pending = Atomics.load(counter, 0);
      if (pending < this.limit) {
        // only this thread adds: nothing else can have raised it since the load
        Atomics.add(counter, 0, 1);
        return;
      }
      if (!connected()) return;
      Atomics.wait(counter, 0, pending, WAIT_SLICE);
    }
  }

  /** The parent's side, once a message is handled: frees its place and wakes a waiting worker. */
  release(): void {
    const counter = this.#counter;
    const before = Atomics.sub(counter, 0, 1);
    // a POST the worker sent around the budget (raw parentPort) must not lend it credit
    if (before <= 0) Atomics.add(counter, 0, 1);
    else if (before >= this.limit) Atomics.notify(counter, 0);
  }
}
