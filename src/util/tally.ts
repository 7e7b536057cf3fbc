/** Counts per key; `size` is how many keys have a count above zero. */
export class Tally<K> {
  readonly #counts = new Map<K, number>();

  get size(): number {
    return this.#counts.size;
  }

  has(key: K): boolean {
    return this.#counts.has(key);
  }

  add(key: K): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** One less of `key`; at zero the key is gone. A key not counted (or deleted) is left alone: never below zero. */
  remove(key: K): void {
    const count = this.#counts.get(key);
    if (count === undefined) return;
    if (count > 1) this.#counts.set(key, count - 1);
    else this.#counts.delete(key);
  }

  /** Drops `key` whatever its count; true if it was counted. */
  delete(key: K): boolean {
    return this.#counts.delete(key);
  }
}
