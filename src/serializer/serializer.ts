/**
 * A serializer turns task arguments and results into something the transport carries
 * (a string, bytes, or a structured-clonable value) and back. Extend it to plug your own:
 * export the subclass as the module's default export and pass the module's path as `serializer`.
 */
export abstract class Serializer {
  abstract encode(data: unknown): unknown;
  abstract decode(data: unknown): unknown;
}
