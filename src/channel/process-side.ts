import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { frameCoding } from './json-frames.js';
import type { Link } from './link.js';

/**
 * The child's side of a forked process: process IPC to the parent process. Its own file, without
 * worker_threads, which a process worker need not load (~0.4 MB of RSS, see PROCESS_RUNTIME_PATH).
 * Throws when the process has no IPC channel. `jsonFrames`: the parent forked it with a JSON
 * channel and encodes its frames (see json-frames.ts); this side does the same.
 */
export function processSide(jsonFrames = false): Link {
  if (typeof process.send !== 'function') throw new ChannelClosedError('Not running as a child process with an IPC channel');
  const frames = frameCoding(jsonFrames);
  return {
    get alive() {
      return process.connected;
    },
    send: (message) => {
      if (!process.connected) throw new ChannelClosedError('The channel to the parent process is closed');
      process.send?.(frames.encode(message));
    },
    onMessage: (listener) => {
      process.on('message', frames.receiver(listener));
    },
    onExit: (listener) => {
      process.once('disconnect', () => listener(null, null));
    },
    kill: () => process.exit(0),
  };
}
