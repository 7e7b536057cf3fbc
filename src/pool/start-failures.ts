import { ModuleLoadError } from '../errors/module-load-error.js';

/** Backoff before the n-th consecutive respawn after start failures: 50 ms doubling, capped at 2 s. */
function startBackoff(failures: number): number {
  return Math.min(2000, 50 * 2 ** Math.max(0, failures - 1));
}

/**
 * Consecutive start failures of a pool's workers: the backoff before the next spawn, and when to
 * give up. A module that cannot load gives up at once (retrying cannot help); other failures
 * (a crash or timeout at start, a throwing onWorkerStart) after `max` in a row, with the first.
 */
export class StartFailures {
  #count = 0;
  #first: unknown;
  #until = 0;

  constructor(private readonly max: () => number) {}

  /** A worker lived (answered a call, or outlived its start): the module is fine. */
  reset(): void {
    this.#count = 0;
  }

  get count(): number {
    return this.#count;
  }

  /** ms to wait before the next spawn (0: now). */
  get wait(): number {
    return Math.max(0, this.#until - Date.now());
  }

  /** Counts a failure; returns the error the pool fails with if it must give up, else sets the backoff. */
  record(error: unknown): Error | undefined {
    if (this.#count++ === 0) this.#first = error;
    if (isLoadError(error)) return error;
    if (this.#count >= this.max()) return this.#giveUp();
    this.#until = Date.now() + startBackoff(this.#count);
    return undefined;
  }

  #giveUp(): Error {
    const first = this.#first;
    if (isLoadError(first)) return first;
    return new ModuleLoadError(
      `Workers failed to start ${this.#count === 1 ? 'once' : `${this.#count} times in a row`}; the first failure: ${first instanceof Error ? first.message : String(first)}`,
      first instanceof ModuleLoadError ? first.modulePath : undefined,
      { cause: first, phase: 'pool' },
    );
  }
}

function isLoadError(error: unknown): error is ModuleLoadError {
  return error instanceof ModuleLoadError && error.phase === 'module';
}
