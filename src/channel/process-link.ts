import type { ChildProcess } from 'node:child_process';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import type { Link } from './link.js';

/** Errors of a message sent to a child whose channel is gone. */
const CLOSED_CHANNEL = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED']);

/** Parent side of a child process with an IPC channel (fork, or spawn with 'ipc' in stdio). */
export class ProcessLink implements Link {
  readonly #child: ChildProcess;
  #exited = false;

  constructor(child: ChildProcess) {
    this.#child = child;
    child.once('exit', () => {
      this.#exited = true;
    });
    // An IPC write error (EPIPE on a dying child) must not become an uncaught 'error'.
    child.on('error', () => {});
  }

  get alive(): boolean {
    return !this.#exited && this.#child.connected;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get child(): ChildProcess {
    return this.#child;
  }

  send(message: unknown): void {
    if (!this.#child.connected) throw new ChannelClosedError(`The channel to process ${this.#child.pid} is closed`);
    this.#child.send(message as object);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#child.on('message', listener);
  }

  onExit(listener: (exitCode: number | null, signal: string | null, cause?: unknown) => void): void {
    let spawnError: unknown;
    this.#child.once('error', (error) => {
      spawnError = error;
      // A child that never started emits 'error' and no 'exit'.
      if (this.#child.pid === undefined) {
        this.#exited = true;
        listener(null, null, error);
      }
    });
    // Report after 'close' (stdio and IPC pipes released) so nothing is left open, but do not
    // wait forever when a grandchild holds the pipes.
    this.#child.once('exit', (code, signal) => {
      let reported = false;
      const report = () => {
        if (reported) return;
        reported = true;
        clearTimeout(timer);
        listener(code, signal, spawnError);
      };
      const timer = setTimeout(report, 200);
      this.#child.once('close', report);
    });
  }

  onEvent(listener: (event: 'online' | 'disconnect' | 'close' | 'error', ...args: unknown[]) => void): void {
    this.#child.once('spawn', () => listener('online'));
    // Not relayed: the spawn error of a child that never started (the cause of its exit, see
    // onExit, which the pool reports once as a start failure) and writes to a closed channel (a
    // dying child, reported by its exit): one failure, one 'error'.
    this.#child.on('error', (error) => {
      if (this.#child.pid !== undefined && !CLOSED_CHANNEL.has((error as NodeJS.ErrnoException).code ?? '')) listener('error', error);
    });
    this.#child.once('disconnect', () => listener('disconnect'));
    this.#child.once('close', (code, signal) => listener('close', code, signal));
  }

  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }
}
