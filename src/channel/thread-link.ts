import type { Worker as NodeWorker } from 'node:worker_threads';
import type { Link } from './link.js';
import type { Transferable } from './transferable.js';

/**
 * Parent side of a worker_threads Worker. A Worker that has already exited (Node sets its
 * threadId to -1 just before 'exit') is a dead link from the start: its exit is reported at once,
 * with a null exit code (a Worker does not keep its own).
 */
export class ThreadLink implements Link {
  readonly kind: 'thread' = 'thread';
  readonly #worker: NodeWorker;
  /** Kept: Node resets worker.threadId to -1 once the thread has exited. */
  readonly #threadId: number | undefined;
  #alive: boolean;
  #exitCode: number | null = null;
  #lastError: unknown;

  constructor(worker: NodeWorker) {
    this.#worker = worker;
    this.#alive = worker.threadId !== -1;
    this.#threadId = this.#alive ? worker.threadId : undefined;
    worker.on('error', (error) => {
      this.#lastError = error;
    });
    worker.once('exit', (code) => {
      this.#alive = false;
      this.#exitCode = code;
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  get threadId(): number | undefined {
    return this.#threadId;
  }

  send(message: unknown, transfer?: readonly Transferable[]): void {
    this.#worker.postMessage(message, transfer as Transferable[] | undefined);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#worker.on('message', listener);
  }

  onExit(listener: (exitCode: number | null, signal: string | null, cause?: unknown) => void): void {
    if (!this.#alive) queueMicrotask(() => listener(this.#exitCode, null, this.#lastError));
    else this.#worker.once('exit', (code) => listener(code, null, this.#lastError));
  }

  onEvent(listener: (event: 'online' | 'disconnect' | 'close' | 'error', ...args: unknown[]) => void): void {
    if (!this.#alive) {
      queueMicrotask(() => {
        listener('disconnect');
        listener('close', this.#exitCode, null);
      });
      return;
    }
    this.#worker.once('online', () => listener('online'));
    this.#worker.on('error', (error) => listener('error', error));
    this.#worker.once('exit', (code) => {
      listener('disconnect');
      listener('close', code, null);
    });
  }

  kill(): void {
    if (this.#alive) void this.#worker.terminate();
  }

  /** Keeps the parent's event loop alive for this thread, or not. */
  ref(on: boolean): void {
    if (on) this.#worker.ref();
    else this.#worker.unref();
  }
}
