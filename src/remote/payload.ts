/**
 * Arguments and results as they sit in a BullMQ job: encoded by the chosen serializer, held to a
 * size limit, and kept as a JSON string (BullMQ stores job data and results as JSON).
 */
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import { jsonExact } from '../serializer/json-exact.js';
import { checkSerializerSpec, loadSerializer, type SerializerSpec } from '../serializer/resolve.js';
import { Serializer } from '../serializer/serializer.js';

/** Default limit of one encoded argument list or result: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** 'cbor' (default) | 'json' | absolute path of a Serializer module | a Serializer instance. */
export type RemoteSerializerSpec = Exclude<SerializerSpec, 'structured'> | Serializer;

/** A built-in serializer's name travels with each job; a custom one is named 'custom' and each consumer brings its own. */
export function serializerName(spec: RemoteSerializerSpec): string {
  return spec === 'json' || spec === 'cbor' ? spec : 'custom';
}

/** Checks a serializer option now (so a bad one fails at createRemotePool/serveQueue) and loads it on first use. */
export function serializerLoader(spec: unknown): { spec: RemoteSerializerSpec; load: () => Promise<Serializer> } {
  if (spec instanceof Serializer) return { spec, load: () => Promise.resolve(spec) };
  // structured clone has no byte form: it cannot be stored in Redis
  if (spec === 'structured') throw new InvalidOptionError('serializer', spec, "'cbor', 'json', a Serializer instance or the path of a Serializer module");
  const checked = checkSerializerSpec(spec) as RemoteSerializerSpec & string;
  let loading: Promise<Serializer> | undefined;
  return { spec: checked, load: () => (loading ??= loadSerializer(checked)) };
}

/** Whether payloads of the serializer named `name` (a job's `c`) may be stored as plain JSON ('j'): the built-in 'cbor' only. */
export function plainJsonFor(name: string): boolean {
  return name === 'cbor';
}

/**
 * Encodes `value` to the string stored in Redis: 's' + text for a serializer that makes text,
 * 'b' + base64 for one that makes bytes, and with `plainJson` (the built-in 'cbor' serializer)
 * 'j' + JSON text for a value that JSON carries exactly (see jsonExact) within `maxBytes`: the
 * same value comes out, for less work on both ends than CBOR and base64. Over `maxBytes` (the
 * serializer's encoded size) is a SerializationError.
 */
export function encodePayload(serializer: Serializer, value: unknown, maxBytes: number, what: string, plainJson = false): string {
  if (plainJson && jsonExact(value)) {
    const json = JSON.stringify(value);
    // (a UTF-16 unit is at most 3 bytes of UTF-8: only a long text needs counting.) JSON over
    // the limit goes through CBOR, which may be smaller (numbers): the limit is CBOR's, as before.
    if (json.length * 3 <= maxBytes || Buffer.byteLength(json) <= maxBytes) return `j${json}`;
  }
  let encoded: unknown;
  try {
    encoded = serializer.encode(value);
  } catch (error) {
    throw new SerializationError(`The ${what} could not be encoded: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  let size: number;
  let text: string;
  if (typeof encoded === 'string') {
    size = Buffer.byteLength(encoded);
    text = `s${encoded}`;
  } else if (encoded instanceof Uint8Array) {
    size = encoded.byteLength;
    text = size > maxBytes ? '' : `b${Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString('base64')}`;
  } else {
    throw new SerializationError(`The ${what} could not be stored: the serializer made neither a string nor bytes`);
  }
  if (size > maxBytes) throw new SerializationError(`The ${what} is ${size} bytes encoded, over the limit of ${maxBytes} (maxPayloadBytes)`);
  return text;
}

/** The inverse of encodePayload; anything else is a SerializationError (job data is untrusted). */
export function decodePayload(serializer: Serializer, stored: unknown, what: string): unknown {
  if (typeof stored !== 'string' || stored.length === 0) throw new SerializationError(`The ${what} is not a workforce payload`);
  const kind = stored[0];
  if (kind !== 's' && kind !== 'b' && kind !== 'j') throw new SerializationError(`The ${what} is not a workforce payload`);
  try {
    if (kind === 'j') return JSON.parse(stored.slice(1));
    return serializer.decode(kind === 's' ? stored.slice(1) : Buffer.from(stored.slice(1), 'base64'));
  } catch (error) {
    throw new SerializationError(`The ${what} could not be decoded: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}
