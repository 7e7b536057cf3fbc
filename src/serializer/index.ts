export { CborSerializer } from './cbor.js';
export { JsonSerializer } from './json.js';
export { checkSerializerSpec, loadSerializer, type SerializerSpec } from './resolve.js';
export { Serializer } from './serializer.js';
export { StructuredSerializer } from './structured.js';
