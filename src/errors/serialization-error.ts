import { WorkforceError } from './workforce-error.js';

/**
 * Arguments or a result could not be encoded or decoded by the pool's serializer, or a worker
 * sent a frame that does not decode (`frame` names it; the message names the worker).
 */
export class SerializationError extends WorkforceError {
  override name = 'SerializationError';
  override readonly code = 'ERR_WORKFORCE_SERIALIZATION';
  /** The wire frame that did not decode ('RESULT', 'POST', … or 'a frame' when not even its op is known). */
  declare readonly frame?: string;
  constructor(message: string, options?: { cause?: unknown; frame?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.frame !== undefined) this.frame = options.frame;
  }
}
