import type { MessagePort } from 'node:worker_threads';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import type { Transferable } from '../worker/types.js';
import type { Link } from './link.js';

/**
 * One end of a raw MessagePort (a `MessageChannel` half, possibly handed to a thread). The port
 * starts unref'd: call `ref(true)` while something waits for messages on it.
 */
export class PortLink implements Link {
  readonly #port: MessagePort;
  #alive = true;

  constructor(port: MessagePort) {
    this.#port = port;
    port.once('close', () => {
      this.#alive = false;
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  send(message: unknown, transfer?: readonly Transferable[]): void {
    // postMessage on a closed port drops the message silently: say so instead.
    if (!this.#alive) throw new ChannelClosedError('The message port is closed');
    this.#port.postMessage(message, transfer as Transferable[] | undefined);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#port.on('message', listener);
    this.#port.unref();
  }

  onExit(listener: (exitCode: number | null, signal: string | null, cause?: unknown) => void): void {
    this.#port.once('close', () => listener(null, null));
  }

  onEvent(listener: (event: 'online' | 'disconnect' | 'close' | 'error', ...args: unknown[]) => void): void {
    this.#port.once('close', () => {
      listener('disconnect');
      listener('close', null, null);
    });
  }

  /** Closes both ends; each side's 'close' fires. */
  kill(): void {
    this.#port.close();
  }

  /** Keeps this thread's event loop alive for the port, or not. */
  ref(on: boolean): void {
    if (on) this.#port.ref();
    else this.#port.unref();
  }
}
