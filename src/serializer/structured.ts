import { Serializer } from './serializer.js';

/**
 * Structured clone: the transport itself clones (worker_threads postMessage, or process IPC
 * with `serialization: 'advanced'`), so encode/decode pass values through untouched.
 */
export class StructuredSerializer extends Serializer {
  encode(data: unknown): unknown {
    return data;
  }
  decode(data: unknown): unknown {
    return data;
  }
}
