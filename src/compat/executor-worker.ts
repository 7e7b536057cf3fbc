/** travetto v0's executors (any object) as Workers, with their `active` flag read as "busy". */
import type { PoolWorker } from '../worker/types.js';

/** One job of an ExecutionPool: `run(input, executor)` on a borrowed executor. */
export interface ExecutionJob<T = any, X = any> {
  input: T;
  /** Runs the job's input on the borrowed executor. */
  run: (input: T, executor: X) => unknown;
}

/** How often a busy executor is looked at again (its `active` flag has no event). */
const BUSY_POLL_MS = 5;

/**
 * A travetto v0 executor — any object, such as the seed's ImageProcessor with `convert()` and
 * `kill()` — as a PoolWorker, so the ordinary WorkPool engine schedules it. Each call runs a job's
 * function with the executor. The executor's own `active` flag reads as "busy", as in the v0
 * example (false at rest, true while converting): when it was off as the job started and is on
 * once the function returned (the example does not await `convert`), the executor takes its next
 * job only once it is off again. It never marks the worker dead. Ends with the executor's
 * `destroy()`, or else its `kill()`.
 */
export class ExecutorWorker<X extends object> implements PoolWorker<ExecutionJob<any, X>, unknown> {
  readonly id: number;
  readonly executor: X;
  #ended = false;

  constructor(id: number, executor: X) {
    this.id = id;
    this.executor = executor;
  }

  get active(): boolean {
    return !this.#ended;
  }

  async execute(job: ExecutionJob<any, X>): Promise<unknown> {
    const idle = !this.#busy();
    const value = await job.run(job.input, this.executor);
    // Only a flag that was off when the job started reads as busy: one that is always on (the
    // "alive" meaning of travetto's own executors) must not hold the executor forever.
    while (idle && !this.#ended && this.#busy()) await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
    return value;
  }

  #busy(): boolean {
    return (this.executor as { active?: unknown }).active === true;
  }

  async destroy(options?: { force?: boolean }): Promise<void> {
    this.#ended = true;
    const executor = this.executor as { destroy?: (options?: { force?: boolean }) => unknown; kill?: () => unknown };
    if (typeof executor.destroy === 'function') await executor.destroy(options);
    else if (typeof executor.kill === 'function') await executor.kill();
  }
}
