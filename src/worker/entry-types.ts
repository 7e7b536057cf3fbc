/** Types for a worker module's exports: its entry functions and lifecycle hooks (`workforcejs/worker`). */
import type { WorkerContext } from './context.js';

/**
 * A function `run(...args)` / `runMethod(name, ...args)` calls: the call's arguments, and a result
 * (or a promise of it) the pool's caller receives. `satisfies WorkerFunction` keeps the exact type
 * the pool is typed by (`createPool<typeof import('./worker.js')>`).
 */
export type WorkerFunction<A extends unknown[] = never[], R = unknown> = (...args: A) => R | Promise<R>;

/** The one-argument form `addTask(arg, options)` calls: `(arg, ctx)`, ctx being the task's own WorkerContext. */
export type TaskFunction<T = never, R = unknown> = (arg: T, ctx: WorkerContext) => R | Promise<R>;

/** `onWorkerStart` / `onWorkerExit`: called with the worker's context; the worker waits for a returned promise. */
export type WorkerHook = (ctx: WorkerContext) => void | Promise<void>;

/** The lifecycle hooks a worker module may export (or set as properties of its default export). */
export interface WorkerHooks {
  /** Runs once when the worker starts, before its first call; a throw fails the start (ModuleLoadError phase 'hook'). */
  onWorkerStart?: WorkerHook;
  /** Runs once when the pool ends the worker gracefully (close, ttl, idle), within killTimeout. */
  onWorkerExit?: WorkerHook;
}
