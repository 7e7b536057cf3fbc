import { type MessagePort, parentPort } from 'node:worker_threads';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { Channel, type ChannelMessage, type MessageMap } from './channel.js';

/** One transport of the child's end. `attach`/`detach` add and remove the raw listeners. */
interface Side {
  readonly connected: boolean;
  readonly name: string;
  post(message: ChannelMessage): void;
  attach(onMessage: (message: unknown) => void, onClose: () => void): void;
  detach(onMessage: (message: unknown) => void, onClose: () => void): void;
  /** Calls `done` once what was sent has been handed to the OS (process IPC), or at once. */
  flush(done: () => void): void;
}

/**
 * The child's end of a channel (travetto's ChildCommChannel), inside a worker thread or a
 * process forked / spawned with an IPC channel, or over a MessagePort handed to it. It talks to
 * its parent but cannot end it; it can only `exit()` its own thread or process.
 *
 * Liveness: the channel holds the event loop open only while it has message listeners
 * (`on`/`listen`) or pending `once()` waits. Its raw 'message'/'disconnect' listeners
 * are added with the first of them and removed with the last, so Node's own ref counting of the
 * IPC channel / parentPort applies: a child that listens for requests stays up, a child that has
 * stopped listening ends when nothing else keeps it busy (no keep-alive timer needed). Messages
 * that arrive while nothing listens are dropped, like events nobody listens to. `active` is
 * always accurate; `onClose` listeners alone do not hold the process (over process IPC they hear
 * of a disconnect only while some message listener is attached).
 *
 * `Out` maps the types this side sends to their data, `In` the types it receives.
 */
export class ChildChannel<Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>> extends Channel<Out, In> {
  readonly #side: Side;
  readonly #onMessage = (message: unknown) => this.receive(message);
  readonly #onClose = () => this.close(`The channel to ${this.#side.name} was disconnected`);

  /** Over `port` when given, else the parent thread's `parentPort`, else the parent process's IPC channel. */
  constructor(port?: MessagePort) {
    super();
    const source = port ?? parentPort;
    if (source) this.#side = portSide(source, port ? 'the message port' : 'the parent thread', () => this.#onClose());
    else if (typeof process.send === 'function') this.#side = processSide();
    else throw new ChannelClosedError('ChildChannel: not running as a worker thread or a child process with an IPC channel');
  }

  /**
   * Ends this process (or, inside a worker thread, this thread) with `code`, once the messages
   * already sent have been handed over.
   */
  exit(code = 0): void {
    process.exitCode = code;
    this.#side.flush(() => process.exit(code));
  }

  protected override get connected(): boolean {
    return this.#side.connected;
  }

  protected override post(message: ChannelMessage): void {
    this.#side.post(message);
  }

  protected override describe(): string {
    return this.#side.name;
  }

  protected override hold(on: boolean): void {
    if (on) this.#side.attach(this.#onMessage, this.#onClose);
    else this.#side.detach(this.#onMessage, this.#onClose);
  }
}

function portSide(port: MessagePort, name: string, onClose: () => void): Side {
  let open = true;
  // A 'close' listener does not hold the thread, so it stays for the channel's life.
  port.once('close', () => {
    open = false;
    onClose();
  });
  return {
    name,
    get connected() {
      return open;
    },
    post: (message) => {
      if (!open) throw new ChannelClosedError(`The channel to ${name} is closed`);
      port.postMessage(message);
    },
    attach: (onMessage) => {
      port.on('message', onMessage);
    },
    detach: (onMessage) => {
      port.off('message', onMessage);
    },
    flush: (done) => done(),
  };
}

function processSide(): Side {
  let unsent = 0;
  let drained: (() => void) | undefined;
  const sent = () => {
    if (--unsent === 0) drained?.();
  };
  return {
    name: 'the parent process',
    get connected() {
      return process.connected;
    },
    post: (message) => {
      if (!process.connected) throw new ChannelClosedError('The channel to the parent process is closed');
      unsent++;
      process.send?.(message, undefined, {}, sent);
    },
    // Node refs the IPC channel while 'message' or 'disconnect' listeners exist.
    attach: (onMessage, onClose) => {
      process.on('message', onMessage);
      process.on('disconnect', onClose);
    },
    detach: (onMessage, onClose) => {
      process.off('message', onMessage);
      process.off('disconnect', onClose);
    },
    flush: (done) => {
      if (unsent === 0 || !process.connected) return done();
      drained = done;
      // A parent that stopped reading must not keep us alive.
      setTimeout(done, 1000).unref();
    },
  };
}
