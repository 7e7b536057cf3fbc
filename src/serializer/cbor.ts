/** The 'cbor' serializer: cbor-x, loaded on first use (importing workforce must not load it). */
import { createRequire } from 'node:module';
import type { Encoder as CborEncoder } from 'cbor-x';
import { Serializer } from './serializer.js';

const require = createRequire(import.meta.url);
let Encoder: typeof CborEncoder | undefined;

/** cbor-x's Encoder class, required the first time a CborSerializer is made. */
function encoder(): typeof CborEncoder {
  Encoder ??= (require('cbor-x') as typeof import('cbor-x')).Encoder;
  return Encoder;
}

const OPTIONS = { useRecords: false, mapsAsObjects: true, structuredClone: true, largeBigIntToFloat: false } as const;

/**
 * CBOR through cbor-x: Date, Map, Set, Buffer/typed arrays, undefined, -0, NaN, ±Infinity,
 * RegExp and BigInt round-trip. Records are off so any decoder reads the bytes. Plain objects
 * must decode as objects (mapsAsObjects; with it off every `{ a: 1 }` arrived as a Map and cycles
 * were lost), while Maps stay Maps (structuredClone tags them).
 */
export class CborSerializer extends Serializer {
  readonly #codec = new (encoder())(OPTIONS);
  /** cbor-x writes -0 as the integer 0; a value holding a -0 is encoded with floats only (made on first use). */
  #floats: CborEncoder | undefined;
  /** Encodes a value for the channel (see Serializer.encode). */
  encode(data: unknown): Uint8Array {
    const codec = scan(data, new Set()) ? (this.#floats ??= new (encoder())({ ...OPTIONS, alwaysUseFloat: true })) : this.#codec;
    // cbor-x hands out a view into its shared 8 KB buffer; structured clone (thread postMessage)
    // would copy the whole buffer with every message, so send exactly the encoded bytes.
    const bytes = codec.encode(data);
    return bytes.byteLength * 2 < bytes.buffer.byteLength ? new Uint8Array(bytes) : bytes;
  }
  /** Decodes what the channel carried (see Serializer.decode). */
  decode(data: unknown): unknown {
    // Byte strings decode as the type of the input: a Uint8Array (what postMessage delivers)
    // is viewed as a Buffer, without a copy, so Buffers arrive as Buffers.
    const bytes = data instanceof Uint8Array && !Buffer.isBuffer(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : data;
    return this.#codec.decode(bytes as Uint8Array);
  }
}

/**
 * Walks `value`: cbor-x encodes functions and symbols as undefined, so they are refused instead.
 * Returns true when the value holds a -0.
 */
function scan(value: unknown, seen: Set<object>): boolean {
  const kind = typeof value;
  if (kind === 'number') return Object.is(value, -0);
  if (kind === 'function' || kind === 'symbol') throw new TypeError(`a ${kind} cannot be encoded as CBOR`);
  if (kind !== 'object' || value === null || seen.has(value as object)) return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) return false;
  seen.add(value as object);
  let negativeZero = false;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      if (scan(k, seen)) negativeZero = true;
      if (scan(v, seen)) negativeZero = true;
    }
  } else if (value instanceof Set || Array.isArray(value)) {
    for (const v of value) if (scan(v, seen)) negativeZero = true;
  } else {
    for (const v of Object.values(value as object)) if (scan(v, seen)) negativeZero = true;
  }
  return negativeZero;
}
