/** travetto v1's WorkPool: the engine's WorkPool with travetto's option names, `shutdown()` and its reading of `active`. */
import { WorkPool as EngineWorkPool } from '../pool/work-pool.js';
import type { PoolWorker, WorkerFactory } from '../worker/types.js';
import { fromTravettoOptions, type WorkPoolOptions } from './travetto-options.js';
import { travettoWorker } from './travetto-worker.js';

export type { WorkPoolOptions } from './travetto-options.js';

/**
 * `new WorkPool(factory, { max, min, idleTimeout })` as travetto has it: the same engine, with
 * `shutdown()` and travetto's `active` flag (see travettoWorker). The workers the pool lists
 * and names in its events are views of the factory's objects (`instanceof` still holds).
 */
export class WorkPool<I = unknown, O = unknown, W extends PoolWorker<I, O> = PoolWorker<I, O>> extends EngineWorkPool<I, O, W> {
  constructor(factory: WorkerFactory<I, O, W>, options: WorkPoolOptions = {}) {
    super(typeof factory === 'function' ? async (context) => travettoWorker(await factory(context)) : factory, fromTravettoOptions(options));
  }

  /** travetto's name of close(): drains and destroys every worker. */
  shutdown(): Promise<void> {
    return this.close();
  }
}
