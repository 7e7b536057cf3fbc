import type { ChildProcess } from 'node:child_process';
import { getSystemErrorName } from 'node:util';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { hasExited } from '../util/child-exit.js';
import { type FrameCoding, frameCoding } from './json-frames.js';
import type { Link } from './link.js';

/** Errors of a message sent to a child whose channel is gone. */
const CLOSED_CHANNEL = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED']);

/**
 * Parent side of a child process with an IPC channel (fork, or spawn with 'ipc' in stdio). A
 * child that has already exited (exitCode or signalCode set: Node sets them just before 'exit')
 * is a dead link from the start, whose exit is reported with that code or signal; one whose IPC
 * channel is already disconnected is not `alive` but is reported when it exits.
 */
export class ProcessLink implements Link {
  readonly kind: 'process' = 'process';
  readonly #child: ChildProcess;
  #exited: boolean;
  /** JSON frames on a module worker's JSON channel, so that they arrive exactly (see json-frames.ts); else as they are. */
  readonly #frames: FrameCoding;

  constructor(child: ChildProcess, options: { jsonFrames?: boolean } = {}) {
    this.#child = child;
    this.#frames = frameCoding(options.jsonFrames ?? false);
    this.#exited = hasExited(child);
    child.once('exit', () => {
      this.#exited = true;
    });
    // An IPC write error (EPIPE on a dying child) must not become an uncaught 'error'.
    child.on('error', () => {});
  }

  get alive(): boolean {
    return !this.#exited && this.connected;
  }

  /** The channel to the child is open (Node's IPC channel here; a subclass may carry its own). */
  protected get connected(): boolean {
    return this.#child.connected;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get child(): ChildProcess {
    return this.#child;
  }

  send(message: unknown): void {
    if (!this.#child.connected) throw new ChannelClosedError(`The channel to process ${this.#child.pid} is closed`);
    this.#child.send(this.#frames.encode(message));
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#child.on('message', this.#frames.receiver(listener));
  }

  onExit(listener: (exitCode: number | null, signal: string | null, cause?: unknown) => void): void {
    if (hasExited(this.#child)) return this.#reportExited(listener);
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
    if (hasExited(this.#child)) {
      this.#reportExited((code, signal) => {
        listener('disconnect');
        listener('close', code, signal);
      });
      return;
    }
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

  /**
   * Reports a child that had exited before this link listened: once its pipes are released
   * ('close'; at once when they already are), within 200 ms at most. A child that never started
   * holds a negative errno as its exitCode and no pid.
   */
  #reportExited(listener: (exitCode: number | null, signal: string | null, cause?: unknown) => void): void {
    const child = this.#child;
    let reported = false;
    const report = () => {
      if (reported) return;
      reported = true;
      clearTimeout(timer);
      child.off('close', report);
      if (child.pid === undefined && (child.exitCode ?? 0) < 0) {
        const code = getSystemErrorName(child.exitCode ?? 0);
        listener(null, null, Object.assign(new Error(`The child process could not be started (${code})`), { code }));
      } else listener(child.exitCode, child.signalCode);
    };
    const released = !child.connected && child.stdio.every((stream) => !stream || stream.destroyed);
    const timer = setTimeout(report, released ? 0 : 200);
    child.once('close', report);
  }
}
