import { Serializer } from './serializer.js';

/**
 * Structured clone: the transport itself clones (worker_threads postMessage; process IPC with
 * `serialization: 'advanced'`, or the opt-in JSON channel whose frames carry what JSON cannot as
 * V8 bytes, see channel/json-frames.ts), so encode/decode pass values through untouched.
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
