import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import type { Link } from './link.js';
import { processSide } from './process-side.js';
import type { Transferable } from './transferable.js';

/**
 * The child's side: the parent thread (worker_threads `parentPort`) or the parent process
 * (process IPC). Throws when the code is not running as a thread or a forked child.
 */
export function childLink(): Link {
  if (parentPort) return portSide(parentPort);
  if (typeof process.send === 'function') return processSide();
  throw new ChannelClosedError('Not running as a worker thread or a child process with an IPC channel');
}

export function isChild(): boolean {
  return parentPort !== null || typeof process.send === 'function';
}

function portSide(port: NonNullable<typeof parentPort>): Link {
  let alive = true;
  port.once('close', () => {
    alive = false;
  });
  return {
    get alive() {
      return alive;
    },
    send: (message, transfer) => {
      port.postMessage(message, transfer as Transferable[] | undefined);
    },
    onMessage: (listener) => {
      port.on('message', listener);
    },
    take: () => receiveMessageOnPort(port),
    onExit: (listener) => {
      port.once('close', () => listener(null, null));
    },
    kill: () => process.exit(0),
  };
}
