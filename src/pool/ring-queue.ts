/** A queue never shrinks below this many slots. */
const MIN_SHRINK = 1024;

/**
 * A growable FIFO ring buffer: O(1) push/shift without the array shifting that `Array#shift`
 * costs on long queues. `at(i)` reads from the head, `atBack(i)` from the tail (for stealing).
 * It doubles when full and halves once a quarter full (above MIN_SHRINK slots), so the memory a
 * burst of a million queued calls took is given back as the queue drains (amortized O(1)).
 */
export class RingQueue<T> {
  #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(capacity = 16) {
    this.#items = new Array(Math.max(2, 1 << Math.ceil(Math.log2(capacity))));
  }

  get length(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#resize(this.#items.length * 2);
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = item;
    this.#size++;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    if (this.#items.length > MIN_SHRINK && this.#size <= this.#items.length >> 2) this.#resize(this.#items.length >> 1);
    return item;
  }

  /** Slots allocated (for tests). */
  get capacity(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#items[(this.#head + index) & (this.#items.length - 1)];
  }

  atBack(index: number): T | undefined {
    return this.at(this.#size - 1 - index);
  }

  /** Removes every item and returns them in order. */
  drain(): T[] {
    const out: T[] = [];
    while (this.#size > 0) out.push(this.shift() as T);
    return out;
  }

  #resize(capacity: number): void {
    const next = new Array<T | undefined>(capacity);
    for (let i = 0; i < this.#size; i++) next[i] = this.#items[(this.#head + i) & (this.#items.length - 1)];
    this.#items = next;
    this.#head = 0;
  }
}
