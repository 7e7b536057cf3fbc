/** travetto's WorkPool: the engine's WorkPool with travetto's option names, `shutdown()`, v1 InputSources and 4.x's static runs. */
import type { InputSource } from '../pool/sources/input-source.js';
import type { ProcessOptions, ProcessSummary } from '../pool/sources/process.js';
import { WorkPool as EngineWorkPool } from '../pool/work-pool.js';
import type { PoolWorker, WorkerFactory } from '../worker/types.js';
import { fromTravettoOptions, type WorkPoolOptions } from './travetto-options.js';
import { DEFAULT_SIZE, run, runStream, runStreamProgress } from './travetto-run.js';
import { fromTravettoInputSource, isTravettoInputSource, type TravettoInputSource } from './travetto-sources.js';
import { travettoWorker } from './travetto-worker.js';

export type { WorkPoolOptions } from './travetto-options.js';

/**
 * `new WorkPool(factory, { max, min, idleTimeout })` as travetto v1 has it: the same engine, with
 * `shutdown()`, travetto's `active` flag (see travettoWorker) and any v1 InputSource
 * (`hasNext()` / `next()`) for process(). The workers the pool lists and names in its events are
 * views of the factory's objects (`instanceof` still holds). The statics are travetto 4.x/5.x's.
 */
export class WorkPool<I = unknown, O = unknown, W extends PoolWorker<I, O> = PoolWorker<I, O>> extends EngineWorkPool<I, O, W> {
  /** travetto's default size of a static run: max(75% of the CPUs, 4). */
  static readonly DEFAULT_SIZE = DEFAULT_SIZE;
  /** travetto 4.x: runs every input on workers from a factory (or on an execute function); see travetto-run.ts. */
  static run = run;
  /** travetto 4.x: like `run`, as an async iterable of the outputs in finishing order. */
  static runStream = runStream;
  /** travetto 4.x: like `runStream`, each output as `{ idx, value, total }`. */
  static runStreamProgress = runStreamProgress;

  constructor(factory: WorkerFactory<I, O, W>, options: WorkPoolOptions = {}) {
    super(typeof factory === 'function' ? async (context) => travettoWorker(await factory(context)) : factory, fromTravettoOptions(options));
  }

  /** Feeds `source` (anything the engine takes, or a v1 InputSource) to the workers; see the engine's process(). */
  override process(source: InputSource<I> | TravettoInputSource<I>, options?: ProcessOptions<I, O>): Promise<ProcessSummary<I>> {
    return super.process(source as InputSource<I>, options);
  }

  /** A v1 InputSource is read through hasNext() / next(); anything else as the engine reads it. */
  protected override feed<T, R>(source: InputSource<T>, runItem: (item: T) => Promise<R>, options: ProcessOptions<T, R>): Promise<ProcessSummary<T>> {
    const input = isTravettoInputSource<T>(source) && !(Symbol.asyncIterator in source) ? fromTravettoInputSource(source) : source;
    return super.feed(input, runItem, options);
  }

  /** travetto's name of close(): drains and destroys every worker. */
  shutdown(): Promise<void> {
    return this.close();
  }
}

export type { RunOptions, RunWorker, RunWorkerInput } from './travetto-run.js';
