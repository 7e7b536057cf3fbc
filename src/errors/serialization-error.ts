import { WorkforceError } from './workforce-error.js';

/** Arguments or a result could not be encoded or decoded by the pool's serializer. */
export class SerializationError extends WorkforceError {
  override name = 'SerializationError';
  override readonly code = 'ERR_WORKFORCE_SERIALIZATION';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
