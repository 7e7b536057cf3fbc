import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { SerializationError } from '../errors/serialization-error.js';

/**
 * What travels on a channel: plain `{ type, data }` objects, so any program that speaks JSON
 * over Node's IPC (one JSON document a line on the NODE_CHANNEL_FD descriptor) can take part.
 */
export interface ChannelMessage<T extends string = string, D = unknown> {
  type: T;
  data?: D;
}

/** A map from message type to the type of its `data` (use `type` aliases: interfaces lack an index signature). */
export type MessageMap = Record<string, unknown>;

/** `data` may be left out when its type accepts undefined (e.g. `{ ready: undefined }`). */
export type DataArgs<M, K extends keyof M> = undefined extends M[K] ? [data?: M[K]] : [data: M[K]];

/** A channel's listener of one message type; the second argument unsubscribes it. */
export type ChannelListener<D> = (data: D, unsubscribe: () => void) => void;

export function isChannelMessage(value: unknown): value is ChannelMessage {
  return typeof value === 'object' && value !== null && typeof (value as ChannelMessage).type === 'string';
}

/**
 * The half of a channel both ends share: typed `send`, listeners by type, one-shot waits that
 * reject with ChannelClosedError when the channel closes first, and close notification.
 * `Out` types what this end sends, `In` what it receives: a `ParentChannel<A, B>` talks to a
 * `ChildChannel<B, A>`.
 */
export abstract class Channel<Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>> {
  readonly #byType = new Map<string, Set<(data: unknown) => void>>();
  readonly #all = new Set<(message: ChannelMessage) => void>();
  readonly #closeListeners = new Set<() => void>();
  readonly #waiters = new Set<(error: Error) => void>();
  #listeners = 0;
  #closed = false;

  /** The transport can still carry messages. */
  protected abstract get connected(): boolean;
  /** Hands one message to the transport; may throw (a value that cannot be cloned, a dead link). */
  protected abstract post(message: ChannelMessage): void;
  /** Names the other end in error messages. */
  protected abstract describe(): string;
  /** The first listener arrived (true) or the last one left (false): hold the event loop or let go. */
  protected hold(_on: boolean): void {}

  /** False once the other end is gone or the channel was destroyed. */
  get active(): boolean {
    return !this.#closed && this.connected;
  }

  /** Sends `{ type, data }`; throws ChannelClosedError when the channel is closed. */
  send<K extends keyof Out & string>(type: K, ...[data]: DataArgs<Out, K>): void {
    if (!this.active) throw new ChannelClosedError(`Cannot send '${type}': the channel to ${this.describe()} is closed`);
    try {
      this.post(data === undefined ? { type } : { type, data });
    } catch (error) {
      // a value the transport cannot carry (a function, a symbol…): typed, and the channel stays open
      if ((error as Error)?.name === 'DataCloneError' || (error as NodeJS.ErrnoException)?.code === 'ERR_INVALID_ARG_TYPE') {
        throw new SerializationError(`Message '${type}' could not be sent: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }

  /** Calls `listener` with the data of every message of this type; returns an unsubscribe function. */
  on<K extends keyof In & string>(type: K, listener: ChannelListener<In[K]>): () => void {
    let set = this.#byType.get(type);
    if (!set) this.#byType.set(type, (set = new Set()));
    const entries = set;
    const entry = (data: unknown) => listener(data as In[K], off);
    const off = this.#track(() => {
      entries.delete(entry);
      if (entries.size === 0 && this.#byType.get(type) === entries) this.#byType.delete(type);
    });
    entries.add(entry);
    return off;
  }

  /** Calls `listener` with every message, whatever its type; returns an unsubscribe function. */
  listen(listener: (message: ChannelMessage<keyof In & string>, unsubscribe: () => void) => void): () => void {
    const entry = (message: ChannelMessage) => listener(message as ChannelMessage<keyof In & string>, off);
    const off = this.#track(() => this.#all.delete(entry));
    this.#all.add(entry);
    return off;
  }

  /**
   * The data of the next message of this type; rejects with ChannelClosedError if the channel
   * closes first. The rejection never counts as unhandled: `const res = channel.once('x');
   * channel.send(...)` must not crash the process when `send` throws and `res` is dropped.
   */
  once<K extends keyof In & string>(type: K): Promise<In[K]> {
    const waiting = this.active
      ? new Promise<In[K]>((resolve, reject) => {
          const done = () => {
            this.#waiters.delete(fail);
            off();
          };
          const fail = (error: Error) => {
            done();
            reject(error);
          };
          const off = this.on(type, (data) => {
            done();
            resolve(data);
          });
          this.#waiters.add(fail);
        })
      : Promise.reject(new ChannelClosedError(`Stopped waiting for '${type}': the channel to ${this.describe()} is closed`));
    waiting.catch(() => {});
    return waiting;
  }

  /** Called once when the channel closes (the other end is gone, or destroy()); returns an unsubscribe function. */
  onClose(listener: () => void): () => void {
    if (this.#closed) {
      queueMicrotask(listener);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Message listeners and pending waits (what `hold` counts). */
  get listenerCount(): number {
    return this.#listeners;
  }

  /** Delivers one message from the transport; anything that is not `{ type }` is ignored. */
  protected receive(message: unknown): void {
    if (!isChannelMessage(message)) return;
    for (const listener of [...this.#all]) listener(message);
    const set = this.#byType.get(message.type);
    if (set) for (const listener of [...set]) listener(message.data);
  }

  /** The channel can no longer carry messages: waits reject, close listeners run (once). */
  protected close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new ChannelClosedError(reason);
    for (const fail of [...this.#waiters]) fail(error);
    const listeners = [...this.#closeListeners];
    this.#closeListeners.clear();
    for (const listener of listeners) listener();
  }

  protected get closed(): boolean {
    return this.#closed;
  }

  /** Counts a listener in; the returned function counts it out (once). */
  #track(remove: () => void): () => void {
    if (this.#listeners++ === 0) this.hold(true);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      remove();
      if (--this.#listeners === 0) this.hold(false);
    };
  }
}
