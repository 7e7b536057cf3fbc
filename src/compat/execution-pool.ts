/** travetto v0's ExecutionPool: a function per input, run with an executor borrowed from the pool. */
import type { InputSource } from '../pool/sources/input-source.js';
import type { ProcessOptions, ProcessSummary } from '../pool/sources/process.js';
import { type ExecutionJob, ExecutorWorker } from './executor-worker.js';
import type { WorkPoolOptions } from './travetto-options.js';
import { WorkPool } from './travetto-pool.js';

export type { ExecutionJob } from './executor-worker.js';

/** What `ExecutionPool.process` runs for each input, with a borrowed executor. */
export type ExecutionFunction<T, X> = (input: T, executor: X) => unknown;

/**
 * travetto v0's pool: its factory returns any object (an "executor"), and
 * `process(source, async (input, executor) => …)` runs the function for each input with an
 * executor borrowed from the pool. A (travetto) WorkPool over ExecutorWorker wrappers — the same engine,
 * backpressure and stop rules as `WorkPool.process`. An executor's `active` flag means busy (see
 * ExecutorWorker); it is ended with its `destroy()`, or else `kill()`.
 */
export class ExecutionPool<X extends object> extends WorkPool<ExecutionJob<any, X>, unknown, ExecutorWorker<X>> {
  constructor(factory: (context: { id: number }) => X | Promise<X>, options: WorkPoolOptions = {}) {
    super(async (context) => new ExecutorWorker(context.id, await factory(context)), options);
  }

  /** The live executors (what the factory returned). */
  get executors(): X[] {
    return this.workers.map((worker) => worker.executor);
  }

  /** Runs `run(input, executor)` for every input of `source`, each with a borrowed executor. */
  override process<T>(source: InputSource<T>, run: ExecutionFunction<T, X>, options?: ProcessOptions<T, unknown>): Promise<ProcessSummary<T>>;
  /** Runs jobs that each carry their own function. */
  override process(
    source: InputSource<ExecutionJob<any, X>>,
    options?: ProcessOptions<ExecutionJob<any, X>, unknown>,
  ): Promise<ProcessSummary<ExecutionJob<any, X>>>;
  override process<T>(
    source: InputSource<T> | InputSource<ExecutionJob<any, X>>,
    runOrOptions?: ExecutionFunction<T, X> | ProcessOptions<ExecutionJob<any, X>, unknown>,
    options: ProcessOptions<T, unknown> = {},
  ): Promise<ProcessSummary<T>> | Promise<ProcessSummary<ExecutionJob<any, X>>> {
    if (typeof runOrOptions !== 'function') return super.process(source as InputSource<ExecutionJob<any, X>>, runOrOptions);
    const run = runOrOptions;
    return this.feed(source as InputSource<T>, (input: T) => this.submit({ input, run }), options);
  }
}
