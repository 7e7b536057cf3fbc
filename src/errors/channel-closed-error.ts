import { WorkforceError } from './workforce-error.js';

/** A message was sent on, or awaited from, a channel whose other end is gone. */
export class ChannelClosedError extends WorkforceError {
  override name = 'ChannelClosedError';
  override readonly code = 'ERR_WORKFORCE_CHANNEL_CLOSED';
  constructor(message = 'The channel is closed') {
    super(message);
  }
}
