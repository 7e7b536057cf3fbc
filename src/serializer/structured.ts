import { Serializer } from './serializer.js';

/**
 * Structured clone: the transport itself clones (worker_threads postMessage, or process IPC
 * with `serialization: 'advanced'`), so encode/decode pass values through untouched.
 */
export class StructuredSerializer extends Serializer {
  /** Encodes a value for the channel (see Serializer.encode). */
  encode(data: unknown): unknown {
    return data;
  }
  /** Decodes what the channel carried (see Serializer.decode). */
  decode(data: unknown): unknown {
    return data;
  }
}
