/**
 * A serializer turns task arguments and results into something the transport carries
 * (a string, bytes, or a structured-clonable value) and back. Extend it to plug your own:
 * export the subclass as the module's default export and pass the module's path as `serializer`.
 */
export abstract class Serializer {
  /**
   * Turns a value into what the channel carries (a string, bytes, or the value itself for structured clone). Throws SerializationError for a value it cannot carry.
   */
  abstract encode(data: unknown): unknown;
  /** Turns what the channel carried back into the value. */
  abstract decode(data: unknown): unknown;
}
