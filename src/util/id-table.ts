/** Most slots the ring grows to; past it, entries whose slot is taken wait in the overflow map. */
const MAX_RING = 1 << 16;

/**
 * A map from increasing integer ids (1, 2, 3, … as they are issued) to values, for calls in
 * flight that are mostly answered in the order they were made. An id lives in slot `id & mask`
 * of a ring; an id whose slot still holds an older one (a long call outlived the ring's width)
 * goes to an overflow Map. No allocation per entry, no hashing on the common path.
 */
export class IdTable<V> {
  /** The id in each slot; 0 = empty (ids start at 1). */
  #ids = new Float64Array(16);
  #values: (V | undefined)[] = new Array(16).fill(undefined);
  #overflow: Map<number, V> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds `id` (an id not in the table, larger than every id added before). */
  set(id: number, value: V): void {
    if (this.#size >= this.#ids.length >> 1 && this.#ids.length < MAX_RING) this.#grow();
    const slot = id & (this.#ids.length - 1);
    if (this.#ids[slot] === 0) {
      this.#ids[slot] = id;
      this.#values[slot] = value;
    } else (this.#overflow ??= new Map()).set(id, value);
    this.#size++;
  }

  /** Removes `id` and returns its value (undefined when it is not in the table). */
  take(id: number): V | undefined {
    const slot = id & (this.#ids.length - 1);
    // 0 marks an empty slot: it is never an id
    if (this.#ids[slot] === id && id !== 0) {
      const value = this.#values[slot];
      this.#ids[slot] = 0;
      this.#values[slot] = undefined;
      this.#size--;
      return value;
    }
    const overflow = this.#overflow;
    if (overflow === undefined) return undefined;
    const value = overflow.get(id);
    if (value === undefined && !overflow.has(id)) return undefined;
    overflow.delete(id);
    this.#size--;
    return value;
  }

  /** Every entry, oldest id first (a snapshot: the table may change while it is walked). */
  entries(): [number, V][] {
    const out: [number, V][] = [];
    for (let slot = 0; slot < this.#ids.length; slot++) if (this.#ids[slot] !== 0) out.push([this.#ids[slot], this.#values[slot] as V]);
    if (this.#overflow) for (const entry of this.#overflow) out.push(entry);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** The id of an entry whose value passes `test` (any one, in no set order), or undefined. */
  findId(test: (value: V) => boolean): number | undefined {
    for (let slot = 0; slot < this.#ids.length; slot++) if (this.#ids[slot] !== 0 && test(this.#values[slot] as V)) return this.#ids[slot];
    if (this.#overflow) for (const [id, value] of this.#overflow) if (test(value)) return id;
    return undefined;
  }

  clear(): void {
    this.#ids.fill(0);
    this.#values.fill(undefined);
    this.#overflow = undefined;
    this.#size = 0;
  }

  /** Doubles the ring and places every entry (the overflow's too, where its slot is free) again. */
  #grow(): void {
    const entries = this.entries();
    const width = this.#ids.length * 2;
    this.#ids = new Float64Array(width);
    this.#values = new Array(width).fill(undefined);
    this.#overflow = undefined;
    this.#size = 0;
    for (const [id, value] of entries) this.set(id, value);
  }
}
