/** --ordered: results leave in input order through a bounded buffer; the reader waits while it is full. */

/**
 * Sequence numbers are given to tasks in input order (0, 1, 2, …). `settle(seq, text)` stores a
 * finished task's output (undefined: nothing to write, e.g. it failed); every run of settled
 * tasks at the head of the order is handed to `emit` at once. `room()` resolves when the task
 * about to be read fits: fewer than `capacity` tasks between the head and it, so a slow head
 * task pauses the reader instead of growing the buffer. The capacity must exceed the tasks that
 * can run at once, or the head could never be reached.
 */
export class Reorder<T> {
  #head = 0;
  #next = 0;
  readonly #done = new Map<number, T | undefined>();
  #waiting: (() => void) | undefined;

  constructor(
    readonly capacity: number,
    private readonly emit: (item: T) => void,
  ) {}

  /** The next sequence number, once the buffer has room for it; undefined once `stopped()` (checked after each `wake()`). */
  async room(stopped: () => boolean): Promise<number | undefined> {
    while (this.#next - this.#head >= this.capacity) {
      if (stopped()) return undefined;
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
    return this.#next++;
  }

  settle(seq: number, item: T | undefined): void {
    this.#done.set(seq, item);
    while (this.#done.has(this.#head)) {
      const ready = this.#done.get(this.#head);
      this.#done.delete(this.#head++);
      if (ready !== undefined) this.emit(ready);
    }
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  /** Wakes a reader waiting for room (the run is stopping; it checks why itself). */
  wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  /** Buffered (settled, not yet emitted) tasks. */
  get size(): number {
    return this.#done.size;
  }
}
