/** @probedjs/work-pool's WorkerPool: a module pool with probedjs's constructor, `workerAffinity` and `dispose()`. */
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { ModulePool, type PoolOptions } from '../pool/module-pool.js';
import type { TaskOptions } from '../pool/task.js';

/** Options of `new WorkerPool(module, options)`: createPool's, less `module`. */
export interface WorkerPoolOptions<E> extends Omit<PoolOptions, 'module'> {
  /** Typing only: pass the entry point so `addTask` is typed by it. */
  entryPoint?: E;
}

/** addTask's options with probedjs's name of `affinity`. */
export type WorkerPoolTaskOptions = TaskOptions & { workerAffinity?: number | string; method?: string };

type Arg<E> = E extends (arg: infer A, ...rest: any[]) => unknown ? A : unknown;
type Result<E> = E extends (...args: any[]) => infer R ? Awaited<R> : unknown;

/**
 * @probedjs/work-pool's entry point: `new WorkerPool(modulePathOrUrl, options)` with
 * `addTask`, `whenIdle`, `postMessageToWorkers`, `onMessage` and `dispose`. Accepts probedjs's
 * `workerAffinity` as a name for `affinity`.
 *
 * @typeParam E - the worker module's entry function, for typing only: `addTask` takes its argument and resolves with its result.
 */
export class WorkerPool<E = (arg: unknown) => unknown> extends ModulePool {
  /** `options` null or undefined: the defaults. */
  constructor(module: string | URL, options: WorkerPoolOptions<E> | null = {}) {
    options ??= {};
    if (typeof options !== 'object') throw new InvalidOptionError('options', options, 'an object');
    const { entryPoint: _typingOnly, ...rest } = options;
    super({ ...rest, module });
  }

  override addTask<R = Result<E>>(arg: Arg<E>, options: WorkerPoolTaskOptions | null = {}): Promise<R> {
    // null (no options) and the wrong types: as ModulePool.addTask takes them
    if (options === null || typeof options !== 'object') return super.addTask<R>(arg, options);
    const { workerAffinity, ...rest } = options;
    return super.addTask<R>(arg, workerAffinity === undefined || rest.affinity !== undefined ? rest : { ...rest, affinity: workerAffinity });
  }

  /** probedjs's name of close(): ends the pool (running and queued tasks finish first). */
  dispose(): Promise<void> {
    return this.close();
  }
}
