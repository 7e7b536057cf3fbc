/** The input lines a --resume journal records as done: a bit per line, so a million lines cost 125 KB. */
export class LineSet {
  #bits = new Uint8Array(1024);
  #size = 0;

  add(line: number): void {
    const byte = line >>> 3;
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    const mask = 1 << (line & 7);
    if ((this.#bits[byte] & mask) === 0) this.#size++;
    this.#bits[byte] |= mask;
  }

  has(line: number): boolean {
    const byte = line >>> 3;
    return byte < this.#bits.length && (this.#bits[byte] & (1 << (line & 7))) !== 0;
  }

  get size(): number {
    return this.#size;
  }
}
