import type { Worker as NodeWorker } from 'node:worker_threads';
import type { Transferable } from '../worker/types.js';
import type { Link } from './link.js';

/** Parent side of a worker_threads Worker. */
export class ThreadLink implements Link {
  #alive = true;
  readonly #worker: NodeWorker;
  #lastError: unknown;

  constructor(worker: NodeWorker) {
    this.#worker = worker;
    worker.on('error', (error) => {
      this.#lastError = error;
    });
    worker.once('exit', () => {
      this.#alive = false;
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  get threadId(): number {
    return this.#worker.threadId;
  }

  send(message: unknown, transfer?: readonly Transferable[]): void {
    this.#worker.postMessage(message, transfer as Transferable[] | undefined);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#worker.on('message', listener);
  }

  onExit(listener: (exitCode: number | null, signal: string | null, cause?: unknown) => void): void {
    this.#worker.once('exit', (code) => listener(code, null, this.#lastError));
  }

  onEvent(listener: (event: 'online' | 'disconnect' | 'close' | 'error', ...args: unknown[]) => void): void {
    this.#worker.once('online', () => listener('online'));
    this.#worker.on('error', (error) => listener('error', error));
    this.#worker.once('exit', (code) => {
      listener('disconnect');
      listener('close', code, null);
    });
  }

  kill(): void {
    void this.#worker.terminate();
  }

  /** Keeps the parent's event loop alive for this thread, or not. */
  ref(on: boolean): void {
    if (on) this.#worker.ref();
    else this.#worker.unref();
  }
}
