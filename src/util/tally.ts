/** Counts per key; `size` is how many keys have a count above zero. */
export class Tally<K> {
  readonly #counts = new Map<K, number>();

  get size(): number {
    return this.#counts.size;
  }

  add(key: K): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** One less of `key`; at zero the key is gone. */
  remove(key: K): void {
    const left = (this.#counts.get(key) ?? 1) - 1;
    if (left > 0) this.#counts.set(key, left);
    else this.#counts.delete(key);
  }
}
