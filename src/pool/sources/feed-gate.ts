/**
 * Pool-wide backpressure for `process()`. Before pulling an item a process() reserves a slot; it
 * gets one only while the pool's unsettled calls plus the reserved slots stay below the bound
 * (min(maxWorkers × concurrency + the workers' open pipelining windows, maxConcurrentCalls)).
 * Every process() on the pool and every direct `submit()` count against the same bound, so no
 * source is pulled ahead of what the workers can take, and a pulled item always fits under
 * maxConcurrentCalls. Waiters are served in
 * order as calls settle (`wake()`). `stop()` (the pool closes) turns every waiter and feed away.
 */
export class FeedGate {
  readonly #bound: () => number;
  readonly #pending: () => number;
  #reserved = 0;
  #waiters: ((granted: boolean) => void)[] = [];
  #stopped = false;
  readonly #stopListeners = new Set<() => void>();

  /** `bound`: the most calls the pool runs at once; `pending`: its accepted, unsettled calls. */
  constructor(bound: () => number, pending: () => number) {
    this.#bound = bound;
    this.#pending = pending;
  }

  /** Slots reserved by feeds that are pulling an item: refused to direct submit() callers. */
  get reserved(): number {
    return this.#reserved;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Calls `granted(true)` once a slot is reserved (at once when one is free), or `granted(false)`
   * when the pool stopped. Returns a cancel function for a feed that stops waiting: after it,
   * `granted` is not called (a slot already granted must be given back with `release()`).
   */
  reserve(granted: (ok: boolean) => void): () => void {
    if (this.#stopped) {
      granted(false);
      return () => {};
    }
    if (this.#waiters.length === 0 && this.#free()) {
      this.#reserved++;
      granted(true);
      return () => {};
    }
    this.#waiters.push(granted);
    return () => {
      const at = this.#waiters.indexOf(granted);
      if (at >= 0) this.#waiters.splice(at, 1);
    };
  }

  /** Gives back a slot that was not used (the source ended, or the feed stopped). */
  release(): void {
    this.#reserved--;
    this.wake();
  }

  /**
   * The slot becomes a pool call: call it right before submitting the pulled item, whose task then
   * counts among the pending calls instead (so no waiter is woken in between).
   */
  spend(): void {
    this.#reserved--;
  }

  /** A call settled or a slot was freed: hands free slots to the waiters, in order. */
  wake(): void {
    while (this.#waiters.length > 0 && this.#free()) {
      this.#reserved++;
      (this.#waiters.shift() as (granted: boolean) => void)(true);
    }
  }

  /** The pool stopped (close, shutdown, kill): every feed stops pulling at once. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const waiter of this.#waiters.splice(0)) waiter(false);
    for (const listener of [...this.#stopListeners]) listener();
  }

  /** Calls `listener` synchronously when the pool stops; returns the unsubscribe function. */
  onStop(listener: () => void): () => void {
    this.#stopListeners.add(listener);
    return () => this.#stopListeners.delete(listener);
  }

  #free(): boolean {
    return this.#pending() + this.#reserved < this.#bound();
  }
}
