import { Encoder } from 'cbor-x';
import { Serializer } from './serializer.js';

/**
 * CBOR through cbor-x: Date, Map, Set, Buffer/typed arrays, undefined, -0, NaN, ±Infinity,
 * RegExp and BigInt round-trip. Records are off so any decoder reads the bytes. Plain objects
 * must decode as objects (mapsAsObjects; with it off every `{ a: 1 }` arrived as a Map and cycles
 * were lost), while Maps stay Maps (structuredClone tags them).
 */
export class CborSerializer extends Serializer {
  readonly #codec = new Encoder({ useRecords: false, mapsAsObjects: true, structuredClone: true, largeBigIntToFloat: false });
  encode(data: unknown): Uint8Array {
    assertEncodable(data, new Set());
    return this.#codec.encode(data);
  }
  decode(data: unknown): unknown {
    return this.#codec.decode(data as Uint8Array);
  }
}

/** cbor-x encodes functions and symbols as undefined; refuse them instead. */
function assertEncodable(value: unknown, seen: Set<object>): void {
  const kind = typeof value;
  if (kind === 'function' || kind === 'symbol') throw new TypeError(`a ${kind} cannot be encoded as CBOR`);
  if (kind !== 'object' || value === null || seen.has(value as object)) return;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) return;
  seen.add(value as object);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      assertEncodable(k, seen);
      assertEncodable(v, seen);
    }
  } else if (value instanceof Set || Array.isArray(value)) {
    for (const v of value) assertEncodable(v, seen);
  } else {
    for (const v of Object.values(value as object)) assertEncodable(v, seen);
  }
}
