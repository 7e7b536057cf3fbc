import { Serializer } from './serializer.js';

/**
 * JSON: booleans, finite numbers, strings, arrays and plain objects. Functions, symbols,
 * BigInt and circular structures are refused (instead of silently dropped) so the caller
 * gets a SerializationError rather than a corrupted argument.
 */
export class JsonSerializer extends Serializer {
  /** Encodes a value for the channel (see Serializer.encode). */
  encode(data: unknown): string {
    const text = JSON.stringify(data === undefined ? null : data, refuse);
    return text;
  }
  /** Decodes what the channel carried (see Serializer.decode). */
  decode(data: unknown): unknown {
    return JSON.parse(data as string);
  }
}

function refuse(key: string, value: unknown): unknown {
  const kind = typeof value;
  if (kind === 'function' || kind === 'symbol') {
    throw new TypeError(`a ${kind} (at "${key || '<root>'}") cannot be encoded as JSON`);
  }
  return value;
}
