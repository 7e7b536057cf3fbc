/** One worker of a Workestrator farm as the seed exposed it: an EventEmitter with its process, its load and kill(signal). */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ModuleWorker } from '../worker/module-worker.js';

/** What a FarmWorker reads from its farm. */
export interface FarmWorkerHost {
  readonly killTimeout: number;
  readonly maxConcurrentCallsPerWorker: number;
  /** The engine's worker with this id, once it is made (undefined while it is being created). */
  engineWorker(id: number | string): ModuleWorker | undefined;
}

/**
 * Workestrator's Worker: `id`, `process` (the ChildProcess, once forked), `pendingCalls`,
 * `killed`, `kill(signal)` and `isAvailable()`, and the events the farm relays for it ('online',
 * 'message', 'exit', 'close', 'disconnect', 'error', 'ttl', 'idle'). A view of one engine worker:
 * the engine schedules, retries and replaces; killing the process here is seen by the engine as
 * that worker's exit (its calls are retried elsewhere, a new worker takes its place).
 */
export class FarmWorker extends EventEmitter {
  /** kill() was called and the process has exited since. */
  killed = false;
  #killing = false;
  #exited = false;
  #pendingSignal: NodeJS.Signals | undefined;

  constructor(
    readonly id: number | string,
    readonly host: FarmWorkerHost,
  ) {
    super();
  }

  /** The forked child process (undefined for the moment between create() and the fork). */
  get process(): ChildProcess | undefined {
    return this.host.engineWorker(this.id)?.process;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Calls sent to this worker and not answered yet. */
  get pendingCalls(): number {
    return this.host.engineWorker(this.id)?.pendingCalls ?? 0;
  }

  get connected(): boolean {
    return this.process?.connected ?? false;
  }

  /** Online, not being killed, and below maxConcurrentCallsPerWorker (Workestrator's rule). */
  isAvailable(): boolean {
    const worker = this.host.engineWorker(this.id);
    return !this.killed && !this.#killing && !this.#exited && worker?.active === true && this.pendingCalls < this.host.maxConcurrentCallsPerWorker;
  }

  /**
   * Sends `signal` (SIGINT by default) to the process, then SIGKILL if it has not exited after the
   * farm's `killTimeout` ms (Infinity: never), as Workestrator did. Called before the process is
   * forked, it is sent as soon as it is.
   */
  kill(signal: NodeJS.Signals = 'SIGINT'): void {
    if (this.killed || this.#killing || this.#exited) return;
    this.#killing = true;
    const child = this.process;
    if (!child) {
      this.#pendingSignal = signal;
      return;
    }
    this.#signal(child, signal);
  }

  #signal(child: ChildProcess, signal: NodeJS.Signals): void {
    child.kill(signal);
    const { killTimeout } = this.host;
    if (killTimeout === Number.POSITIVE_INFINITY) return;
    setTimeout(() => {
      if (!this.#exited) child.kill('SIGKILL');
    }, killTimeout).unref();
  }

  /** Called by the farm when the engine worker came online (its process is forked). */
  forked(): void {
    const signal = this.#pendingSignal;
    this.#pendingSignal = undefined;
    const child = this.process;
    if (signal && child) this.#signal(child, signal);
  }

  /** Called by the farm when the process exited. */
  exited(): void {
    this.#exited = true;
    if (this.#killing) this.killed = true;
    this.#killing = false;
  }
}
