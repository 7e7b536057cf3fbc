/**
 * Types of a typed module pool: `createPool<typeof import('./worker.js')>({ module })` types
 * `run` by the module's default export (or `workerEntrypoint`) and `runMethod(name, ...args)` by
 * its named exports — a misspelled method or a wrong argument is a compile error, and a call
 * resolves to the function's awaited return type. Without a type argument a pool is untyped, as
 * before: arguments are `unknown[]` and results `unknown` (or the `R` you give).
 */
import type { ModuleWorker } from '../worker/module-worker.js';
import type { WorkerExit } from './events.js';

/**
 * The module type of a pool created without one (`unknown`, also what `ReturnType<typeof createPool>`
 * gives): its calls take `unknown[]` and resolve to `R` (default unknown), as before typed pools.
 */
export type UntypedModule = unknown;

/** True for an untyped pool's module type (unknown or any). */
type Untyped<M> = unknown extends M ? true : false;

// any[]: a function of any arguments (parameters are contravariant, so unknown[] would not match)
type AnyFunction = (...args: any[]) => unknown;

/** The function `run` calls: the default export, else `workerEntrypoint`. */
export type EntryOf<M> = M extends { default: infer D extends AnyFunction } ? D : M extends { workerEntrypoint: infer E extends AnyFunction } ? E : never;

/** The names of a module's exported functions (what `runMethod` takes): its named exports, not `default` (that is `run`). */
export type MethodName<M> =
  Untyped<M> extends true
    ? string
    : { [K in Exclude<keyof M & string, 'default'>]: M[K] extends AnyFunction ? K : never }[Exclude<keyof M & string, 'default'>];

/** `run`'s arguments. */
export type RunArgs<M> = Untyped<M> extends true ? unknown[] : Parameters<EntryOf<M>>;
/** What `run` resolves to: the entry's awaited return type (untyped: `R`). */
export type RunResult<M, R> = Untyped<M> extends true ? R : Awaited<ReturnType<EntryOf<M>>>;

/** `runMethod(name, …)`'s arguments. */
export type MethodArgs<M, K> = Untyped<M> extends true ? unknown[] : K extends keyof M ? (M[K] extends AnyFunction ? Parameters<M[K]> : never) : never;
/** What `runMethod(name, …)` resolves to: the export's awaited return type (untyped: `R`). */
export type MethodResult<M, K, R> = Untyped<M> extends true ? R : K extends keyof M ? (M[K] extends AnyFunction ? Awaited<ReturnType<M[K]>> : never) : never;

/** `addTask(arg)`'s argument when no `method` is given: the entry's first parameter (untyped: unknown). */
export type TaskArg<M> = Untyped<M> extends true ? unknown : EntryOf<M> extends (arg: infer A, ...rest: any[]) => unknown ? A : never;
/** `addTask(arg, { method })`'s argument: the export's first parameter (untyped: unknown). */
export type MethodTaskArg<M, K> =
  Untyped<M> extends true ? unknown : K extends keyof M ? (M[K] extends (arg: infer A, ...rest: any[]) => unknown ? A : never) : never;
/** Arguments an untyped pool takes with a method name known only at run time; none for a typed pool (it names its method). */
export type DynamicArgs<M> = Untyped<M> extends true ? unknown[] : [never];
/** An argument an untyped pool takes with a method name known only at run time; none for a typed pool. */
export type DynamicArg<M> = Untyped<M> extends true ? unknown : never;

/** The arguments of every worker event a module pool emits (PoolEvents). */
export interface ModulePoolEventMap {
  online: [worker: ModuleWorker];
  exit: [worker: ModuleWorker, exitCode: number | null, signal: string | null, exit: WorkerExit];
  close: [worker: ModuleWorker, exitCode: number | null, signal: string | null];
  disconnect: [worker: ModuleWorker];
  /** `worker` is undefined when no worker was made (its factory failed). */
  error: [worker: ModuleWorker | undefined, error: unknown];
  message: [worker: ModuleWorker, type: string, content: unknown];
  ttl: [worker: ModuleWorker];
  recycle: [worker: ModuleWorker];
  idle: [worker: ModuleWorker];
}
