import { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { MessagePort, Worker as NodeWorker } from 'node:worker_threads';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { timerDelay } from '../util/validate.js';
import { Channel, type ChannelMessage, type MessageMap } from './channel.js';
import { LineLink, lineChannelOf } from './line-link.js';
import type { Link } from './link.js';
import { PortLink } from './port-link.js';
import { ProcessLink } from './process-link.js';
import { ThreadLink } from './thread-link.js';

/** What a ParentChannel can own: a child process with an IPC channel, a worker thread, or a MessagePort. */
export type ChannelTarget = ChildProcess | NodeWorker | MessagePort;

/** How the other end went away. `exitCode`/`signal` are null for a MessagePort (and when unknown). */
export interface ChannelExit {
  exitCode: number | null;
  signal: string | null;
  /** The error that ended it, when known (a thread's uncaught error, a spawn failure). */
  cause?: unknown;
}

/** How a ParentChannel ends its child in `destroy()`. */
export interface ParentChannelOptions {
  /** ms `destroy()` waits after the graceful signal before SIGKILL. Default 1000. */
  killTimeout?: number;
  /** The graceful signal `destroy()` sends a child process. Default 'SIGTERM'. */
  killSignal?: NodeJS.Signals;
}

let serial = 0;

/** Checks destroy()'s options (before any child is started, where the caller can): InvalidOptionError. */
export function checkKillOptions(options: ParentChannelOptions): Required<ParentChannelOptions> {
  const killSignal = options.killSignal ?? 'SIGTERM';
  if (typeof killSignal !== 'string' || !Object.hasOwn(constants.signals, killSignal)) {
    throw new InvalidOptionError('killSignal', killSignal, "a signal name such as 'SIGTERM'");
  }
  // Infinity: wait as long as a timer can (about 24.8 days)
  return { killTimeout: timerDelay('killTimeout', options.killTimeout ?? 1000, 0), killSignal };
}

/**
 * The owner's end of a channel (travetto's ParentCommChannel): typed `{ type, data }` messages to
 * and from a child process (fork, or spawn with an 'ipc' stdio slot), a worker_threads Worker,
 * or a MessagePort. It can `destroy()` the other end, which a ChildChannel cannot.
 *
 * `Out` maps the types this side sends to their data, `In` the types it receives.
 */
export class ParentChannel<Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>> extends Channel<Out, In> {
  readonly #target: ChannelTarget;
  readonly #link: Link;
  readonly #serial = ++serial;
  readonly #options: Required<ParentChannelOptions>;
  #exit: ChannelExit | undefined;
  #destroying: Promise<ChannelExit> | undefined;
  readonly #exitListeners = new Set<(exit: ChannelExit) => void>();
  /** Resolves once the other end is gone (process exited, thread ended, port closed). */
  readonly exited: Promise<ChannelExit>;

  constructor(target: ChannelTarget, options: ParentChannelOptions = {}) {
    super();
    this.#target = target;
    this.#options = checkKillOptions(options);
    this.#link = linkTo(target);
    this.#link.onMessage((message) => this.receive(message));
    this.#link.onEvent?.((event) => {
      if (event === 'disconnect') this.close(`The channel to ${this.describe()} was disconnected`);
    });
    this.exited = new Promise((resolve) => {
      this.#link.onExit((exitCode, signal, cause) => {
        const exit: ChannelExit = cause === undefined ? { exitCode, signal } : { exitCode, signal, cause };
        this.#exit = exit;
        this.close(`${capitalize(this.describe())} ${how(exit)}`);
        resolve(exit);
        for (const listener of [...this.#exitListeners]) listener(exit);
        this.#exitListeners.clear();
      });
    });
    // Built on a target that is already gone (an exited thread or process, a closed port, a
    // disconnected IPC channel): closed from the start; `exited` follows from the link.
    if (!this.#link.alive) this.close(`The channel to ${this.describe()} was already closed`);
  }

  /** The child's pid, the thread's threadId, or for a MessagePort a number unique in this process. */
  get id(): number {
    return this.#link.pid ?? this.#link.threadId ?? this.#serial;
  }

  get pid(): number | undefined {
    return this.#link.pid;
  }

  get threadId(): number | undefined {
    return this.#link.threadId;
  }

  /** What the channel was built on. */
  get target(): ChannelTarget {
    return this.#target;
  }

  /** How the other end went away, once it has. */
  get exit(): ChannelExit | undefined {
    return this.#exit;
  }

  /** Called once the other end is gone, with how it went; returns an unsubscribe function. */
  onExit(listener: (exit: ChannelExit) => void): () => void {
    const exit = this.#exit;
    if (exit) {
      queueMicrotask(() => listener(exit));
      return () => {};
    }
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  /**
   * Ends the other end and resolves once it is gone: a child process gets `killSignal` and,
   * `killTimeout` ms later, SIGKILL (at once with `force`); a thread is terminated; a port is closed.
   */
  destroy(options: { force?: boolean } = {}): Promise<ChannelExit> {
    if (this.#exit) {
      this.close('The channel was destroyed');
      return Promise.resolve(this.#exit);
    }
    if (this.#destroying && !options.force) return this.#destroying;
    this.close('The channel was destroyed');
    const target = this.#target;
    let timer: NodeJS.Timeout | undefined;
    if (target instanceof ChildProcess && !options.force) {
      if (target.pid !== undefined && target.exitCode === null && target.signalCode === null) target.kill(this.#options.killSignal);
      timer = setTimeout(() => this.#link.kill(), this.#options.killTimeout);
    } else this.#link.kill();
    const destroying = this.exited.finally(() => clearTimeout(timer));
    this.#destroying ??= destroying;
    return destroying;
  }

  protected override get connected(): boolean {
    return this.#link.alive;
  }

  protected override post(message: ChannelMessage): void {
    this.#link.send(message);
  }

  protected override describe(): string {
    if (this.#link.pid !== undefined) return `process ${this.#link.pid}`;
    if (this.#link.threadId !== undefined) return `thread ${this.#link.threadId}`;
    if (this.#target instanceof MessagePort) return 'the message port';
    return this.#target instanceof NodeWorker ? 'the worker thread' : 'the child process';
  }

  protected override hold(on: boolean): void {
    if (this.#link instanceof PortLink) this.#link.ref(on);
  }
}

function linkTo(target: ChannelTarget): Link {
  if (target instanceof NodeWorker) return new ThreadLink(target);
  if (target instanceof MessagePort) return new PortLink(target);
  if (target instanceof ChildProcess) {
    const lines = lineChannelOf(target);
    if (lines) return new LineLink(target, lines);
    if (typeof target.send !== 'function') {
      throw new InvalidOptionError('target', target.pid, "a child process with an IPC channel (fork, or spawn with 'ipc' in stdio)");
    }
    return new ProcessLink(target);
  }
  throw new InvalidOptionError('target', target, 'a ChildProcess, a worker_threads Worker or a MessagePort');
}

function how(exit: ChannelExit): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  if (exit.exitCode !== null) return `exited with code ${exit.exitCode}`;
  if (exit.cause instanceof Error) return `failed: ${exit.cause.message}`;
  return 'closed';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
