import type { MessagePort } from 'node:worker_threads';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import type { Link } from './link.js';
import type { Transferable } from './transferable.js';

/**
 * One end of a raw MessagePort (a `MessageChannel` half, possibly handed to a thread). The port
 * starts unref'd: call `ref(true)` while something waits for messages on it.
 */
export class PortLink implements Link {
  readonly #port: MessagePort;
  #alive: boolean;

  constructor(port: MessagePort) {
    this.#port = port;
    this.#alive = isOpen(port);
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
    if (!this.#alive) queueMicrotask(() => listener(null, null));
    else this.#port.once('close', () => listener(null, null));
  }

  onEvent(listener: (event: 'online' | 'disconnect' | 'close' | 'error', ...args: unknown[]) => void): void {
    const closed = () => {
      listener('disconnect');
      listener('close', null, null);
    };
    if (!this.#alive) queueMicrotask(closed);
    else this.#port.once('close', closed);
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

/**
 * Whether the port can still carry messages. A port has no public "closed" flag, and the 'close'
 * event fires only once: when the port, or its peer, was closed before we listened, the event is
 * gone. What remains observable is the handle itself: ref() on a closed port's handle is a no-op,
 * so a port that will not become ref'd is closed. The port's ref state is restored. (A port whose
 * peer closed a moment ago, in this same tick, still looks open: its 'close' event is on its way
 * and is caught by the listener.)
 */
function isOpen(port: MessagePort): boolean {
  // hasRef() is Node's (since 18.1), missing from @types/node 20
  const handle = port as MessagePort & { hasRef(): boolean };
  if (handle.hasRef()) return true;
  port.ref();
  const open = handle.hasRef();
  port.unref();
  return open;
}
