/**
 * Parent side of a spawned program's channel that workforce frames itself: one JSON document a
 * line on a plain pipe (the descriptor NODE_CHANNEL_FD names), the same bytes as Node's 'json' IPC.
 * Node's own IPC parser throws a line that is not JSON as an uncaught SyntaxError in the parent;
 * here such a line (or one longer than MAX_LINE) ends that program instead, with a
 * SerializationError as the cause of its exit, and the parent carries on.
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import { ProcessLink } from './process-link.js';

/** Longest line accepted, in characters: a program writing without newlines must not fill the parent's memory. */
export const MAX_LINE = 64 * 1024 * 1024;

/** Children whose channel is a line pipe, and the pipe: set by whoever spawned them, read by ParentChannel. */
const lineChannels = new WeakMap<ChildProcess, Socket>();

/** Marks `child` as speaking JSON lines on stdio slot `fd` (a 'pipe' slot). */
export function useLineChannel(child: ChildProcess, fd: number): void {
  const socket = child.stdio[fd] as Socket | null | undefined;
  if (socket) lineChannels.set(child, socket);
}

/** The line pipe of `child`, when it has one (see useLineChannel). */
export function lineChannelOf(child: ChildProcess): Socket | undefined {
  return lineChannels.get(child);
}

export class LineLink extends ProcessLink {
  readonly #socket: Socket;
  readonly #listeners: ((message: unknown) => void)[] = [];
  readonly #disconnectListeners: (() => void)[] = [];
  #buffer = '';
  #open = true;
  /** Why the program was ended: the exit reports it as the cause. */
  #fault: SerializationError | undefined;

  constructor(child: ChildProcess, socket: Socket) {
    super(child);
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#read(chunk));
    // EPIPE / ECONNRESET from a dying program: its exit reports it
    socket.on('error', () => {});
    socket.once('close', () => {
      this.#open = false;
      for (const listener of this.#disconnectListeners) listener();
    });
  }

  protected override get connected(): boolean {
    return this.#open && !this.#socket.destroyed;
  }

  override send(message: unknown): void {
    if (!this.connected) throw new ChannelClosedError(`The channel to process ${this.pid} is closed`);
    let line: string | undefined;
    try {
      line = JSON.stringify(message);
    } catch (error) {
      throw new SerializationError(`The message cannot be written as JSON: ${(error as Error).message}`, { cause: error });
    }
    if (line === undefined) throw new SerializationError('The message cannot be written as JSON');
    this.#socket.write(`${line}\n`);
  }

  override onMessage(listener: (message: unknown) => void): void {
    this.#listeners.push(listener);
  }

  override onExit(listener: (exitCode: number | null, signal: string | null, cause?: unknown) => void): void {
    super.onExit((exitCode, signal, cause) => listener(exitCode, signal, cause ?? this.#fault));
  }

  override onEvent(listener: (event: 'online' | 'disconnect' | 'close' | 'error', ...args: unknown[]) => void): void {
    super.onEvent(listener);
    // Node's 'disconnect' belongs to its IPC channel; this channel's end is the pipe's close
    this.#disconnectListeners.push(() => listener('disconnect'));
  }

  #read(chunk: string): void {
    if (this.#fault) return;
    let text = this.#buffer + chunk;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (!this.#line(line)) return;
      newline = text.indexOf('\n');
    }
    this.#buffer = text;
    if (text.length > MAX_LINE)
      this.#fail(new SerializationError(`Process ${this.pid} wrote a line longer than ${MAX_LINE} characters on its channel`, { frame: 'line' }));
  }

  /** Delivers one line; false once the program has been failed. */
  #line(raw: string): boolean {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return true;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
      this.#fail(
        new SerializationError(`Process ${this.pid} wrote a line that is not JSON on its channel: ${JSON.stringify(shown)}`, { cause: error, frame: 'line' }),
      );
      return false;
    }
    // Node's internal messages (a Node program's process.send of handles), as Node's IPC hides them
    if (
      typeof message === 'object' &&
      message !== null &&
      typeof (message as { cmd?: unknown }).cmd === 'string' &&
      (message as { cmd: string }).cmd.startsWith('NODE_')
    ) {
      return true;
    }
    for (const listener of this.#listeners) listener(message);
    return !this.#fault;
  }

  /** Ends the program: it can no longer be understood. */
  #fail(error: SerializationError): void {
    this.#fault = error;
    this.#buffer = '';
    this.#open = false;
    this.#socket.destroy();
    this.kill();
  }
}
