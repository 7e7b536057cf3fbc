/** The module pool's call API (createPool): run, runMethod, addTask, broadcasts, messages, events, close. */
import createDebug from 'debug';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { PoolClosedError } from '../errors/pool-closed-error.js';
import type { ModuleWorker } from '../worker/module-worker.js';
import type { Call } from '../worker/protocol.js';
import type { PoolEventName } from './events.js';
import type { PoolMessageListener } from './message-listeners.js';
import { ModuleEngine } from './module-engine.js';
import { TASK_OPTION_NAMES, unknownOption } from './options.js';
import { type PoolOptions, type Runtime, resolvePoolOptions } from './pool-options.js';
import { RuntimeFactory } from './runtime-factory.js';
import { type InputSource, toAsyncIterator } from './sources/input-source.js';
import type { ItemResult, ProcessOptions, ProcessSummary } from './sources/process.js';
import type { PoolStats } from './stats.js';
import type { TaskOptions } from './task.js';
import type {
  DynamicArg,
  DynamicArgs,
  MethodArgs,
  MethodName,
  MethodResult,
  MethodTaskArg,
  ModulePoolEventMap,
  RunArgs,
  RunResult,
  TaskArg,
  UntypedModule,
} from './typed.js';
import type { CloseOptions } from './work-pool.js';

const debug = createDebug('workforce:pool');

export type { PoolOptions, Runtime } from './pool-options.js';

/** addTask's options: a task's, and the method to call. */
const ADD_TASK_OPTION_NAMES = [...TASK_OPTION_NAMES, 'method'];

/** A listener of a pool event; its arguments depend on the event (see PoolEvents). */
export type PoolListener = (...args: any[]) => void;

/**
 * A pool of workers running one module: `run`, `runMethod`, `addTask`, broadcasts, messages
 * both ways. The calls go to a ModuleEngine (the generic WorkPool over ModuleWorkers made by a
 * RuntimeFactory, with a MessageBus and a NestedBridge); options are checked by resolvePoolOptions.
 */
export class ModulePool<M = UntypedModule> {
  readonly #engine: ModuleEngine;
  readonly modulePath: string;
  readonly runtime: Runtime;

  constructor(options: PoolOptions) {
    const resolved = resolvePoolOptions(options);
    this.modulePath = resolved.modulePath;
    this.runtime = resolved.runtime;
    debug('creating a %s pool of %s (serializer %s)', resolved.runtime, resolved.modulePath, resolved.serializer);
    this.#engine = new ModuleEngine(new RuntimeFactory(resolved), resolved);
  }

  /** Calls the module's default export (or `workerEntrypoint`) with `args` (typed pool: its parameters and awaited result). */
  run<R = unknown>(...args: RunArgs<M>): Promise<RunResult<M, R>> {
    return this.#engine.submit({ method: undefined, args: args as unknown[] }) as Promise<RunResult<M, R>>;
  }

  /** Calls the named export `method` with `args` (typed pool: only exported functions, their parameters and awaited result). */
  runMethod<R = unknown, K extends MethodName<M> = MethodName<M>>(method: K, ...args: MethodArgs<M, K>): Promise<MethodResult<M, K, R>> {
    const bad = badMethod(method);
    if (bad) return Promise.reject(bad);
    return this.#engine.submit({ method, args: args as unknown[] }) as Promise<MethodResult<M, K, R>>;
  }

  /**
   * The way to give a call with any number of arguments per-call options, kept apart from the
   * arguments: `runWith({ transfer, signal, timeout, method, affinity, affinityStrength }, ...args)`.
   * `method` undefined (or `null` options) calls the default export; `timeout` overrides the
   * pool's for this call; `transfer` moves ArrayBuffers / ports to a thread instead of copying them.
   * Typed pool: the arguments and result are those of the default export, or of `method`.
   */
  runWith<R = unknown>(options: (TaskOptions & { method?: undefined }) | null, ...args: RunArgs<M>): Promise<RunResult<M, R>>;
  runWith<R = unknown, K extends MethodName<M> = MethodName<M>>(
    options: TaskOptions & { method: K },
    ...args: MethodArgs<M, K>
  ): Promise<MethodResult<M, K, R>>;
  /** Untyped pool, a method name known only at run time. */
  runWith<R = unknown>(options: (TaskOptions & { method?: string }) | null, ...args: DynamicArgs<M>): Promise<R>;
  runWith(options: (TaskOptions & { method?: string }) | null, ...args: unknown[]): Promise<unknown> {
    options ??= {};
    const notOptions = badOptions(options);
    if (notOptions) return Promise.reject(notOptions);
    const { method, ...taskOptions } = options;
    const bad = method === undefined ? undefined : badMethod(method);
    if (bad) return Promise.reject(bad);
    return this.#engine.call({ method, args }, taskOptions);
  }

  /**
   * One-argument form with options (null: none): the entry point is called as `fn(arg, ctx)`.
   * Typed pool: `arg` and the result are those of the default export's first parameter, or of `method`'s.
   */
  addTask<R = unknown>(arg: TaskArg<M>, options?: (TaskOptions & { method?: undefined }) | null): Promise<RunResult<M, R>>;
  addTask<R = unknown, K extends MethodName<M> = MethodName<M>>(arg: MethodTaskArg<M, K>, options: TaskOptions & { method: K }): Promise<MethodResult<M, K, R>>;
  /** Untyped pool, a method name known only at run time. */
  addTask<R = unknown>(arg: DynamicArg<M>, options?: (TaskOptions & { method?: string }) | null): Promise<R>;
  addTask(arg: unknown, options: (TaskOptions & { method?: string }) | null = {}): Promise<unknown> {
    options ??= {};
    const notOptions = badOptions(options);
    if (notOptions) return Promise.reject(notOptions);
    const unknown = unknownOption(options, ADD_TASK_OPTION_NAMES, 'addTask');
    if (unknown) return Promise.reject(unknown);
    const { method, ...taskOptions } = options;
    const bad = method === undefined ? undefined : badMethod(method);
    if (bad) return Promise.reject(bad);
    return this.#engine.call({ method, args: [arg], single: true }, taskOptions);
  }

  /** Runs the default export on every live worker: `[successes, failures]`. */
  broadcast<R = unknown>(...args: RunArgs<M>): Promise<[RunResult<M, R>[], Error[]]> {
    return this.#broadcast<RunResult<M, R>>(undefined, args as unknown[]);
  }

  /** Runs `method` on every live worker: `[successes, failures]`. */
  broadcastMethod<R = unknown, K extends MethodName<M> = MethodName<M>>(method: K, ...args: MethodArgs<M, K>): Promise<[MethodResult<M, K, R>[], Error[]]> {
    const bad = badMethod(method);
    if (bad) return Promise.reject(bad);
    return this.#broadcast<MethodResult<M, K, R>>(method, args as unknown[]);
  }

  /**
   * Sends a message to every live worker (`workerContext.onMessage(type, …)`), and to workers still
   * being made once they exist; throws PoolClosedError once the pool is closing.
   */
  postMessageToWorkers(type: string, content?: unknown): void {
    this.#engine.bus.post(type, content);
  }

  /**
   * Listens for `workerContext.postMessageToPool(type, …)`; returns an unsubscribe function.
   * What the listener throws (or its promise rejects with) is the pool's 'error' event
   * (worker, error), or a process warning when nothing listens to it: it does not crash the host.
   */
  onMessage<T = unknown>(type: string, listener: (content: T, workerId: number | string) => unknown): () => void {
    return this.#engine.bus.onMessage(type, listener as PoolMessageListener);
  }

  /**
   * Listens to a pool event (see PoolEvents for the names and their arguments; typed by ModulePoolEventMap). A throwing listener breaks nothing: it is reported on `error`.
   *
   * @example
   * ```ts
   * pool.on(PoolEvents.EXIT, (worker, exitCode, signal, exit) => {
   *   if (!exit.planned) console.log(`worker ${worker.id} crashed`, exitCode ?? signal);
   * });
   * ```
   */
  on<E extends keyof ModulePoolEventMap>(event: E, listener: (...args: ModulePoolEventMap[E]) => void): this;
  on(event: PoolEventName, listener: PoolListener): this;
  on(event: PoolEventName, listener: PoolListener): this {
    this.#engine.on(event, listener);
    return this;
  }

  /** Like `on`, for the next emission only. */
  once<E extends keyof ModulePoolEventMap>(event: E, listener: (...args: ModulePoolEventMap[E]) => void): this;
  once(event: PoolEventName, listener: PoolListener): this;
  once(event: PoolEventName, listener: PoolListener): this {
    this.#engine.once(event, listener);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  off<E extends keyof ModulePoolEventMap>(event: E, listener: (...args: ModulePoolEventMap[E]) => void): this;
  off(event: PoolEventName, listener: PoolListener): this;
  off(event: PoolEventName, listener: PoolListener): this {
    this.#engine.off(event, listener);
    return this;
  }

  /** Resolves when no call is queued or running (now, or as soon as the last one settles). */
  whenIdle(): Promise<void> {
    return this.#engine.whenIdle();
  }

  /** Lets accepted calls finish, then ends every worker (see CloseOptions.force). */
  close(options?: CloseOptions): Promise<void> {
    return this.#engine.close(options);
  }

  /** Ends every worker now; queued and running calls reject with PoolClosedError. */
  kill(): Promise<void> {
    return this.#engine.kill();
  }

  get stats(): PoolStats {
    return this.#engine.stats;
  }

  /** Every worker the pool runs or is starting, by id (`worker` once the factory made it): a worker is listed from the moment it is decided on. */
  get workerSlots(): readonly { readonly id: number | string; readonly worker: ModuleWorker | undefined }[] {
    return this.#engine.slots.filter((h) => h.live && !h.pinnedOnly).map((h) => ({ id: h.id, worker: h.worker as ModuleWorker | undefined }));
  }

  /** Calls the pool runs at once when every worker is up (maxWorkers × concurrency). */
  get capacity(): number {
    return this.#engine.capacity;
  }

  /** Set once the pool gave up starting workers (its ModuleLoadError); every call then rejects with it. */
  get failure(): Error | undefined {
    return this.#engine.failure;
  }

  /** Live workers (id, pid for processes, threadId for threads). */
  get workers(): readonly ModuleWorker[] {
    return this.#engine.workers;
  }

  async #broadcast<R>(method: string | undefined, args: unknown[]): Promise<[R[], Error[]]> {
    // a closed pool has no worker to reach: say so, like every other call, rather than [[], []]
    if (this.#engine.closed) throw new PoolClosedError();
    const targets = this.#engine.slots.filter((h) => h.accepting && !h.pinnedOnly);
    const outcomes = await Promise.allSettled(
      targets.map((h) => this.#engine.submit({ method, args }, { affinity: h.id, affinityStrength: 'force' }) as Promise<R>),
    );
    const successes: R[] = [];
    const failures: Error[] = [];
    for (const o of outcomes) {
      if (o.status === 'fulfilled') successes.push(o.value);
      else failures.push(o.reason);
    }
    return [successes, failures];
  }

  /**
   * Runs every item of `source` through the pool, pulling the next only when a worker can take it
   * (WorkPool.process): `args(item)` gives the call's arguments (default `[item]`), `method` the
   * named export (default: the default export). Outcomes and the summary carry the source's items.
   */
  process<I, R = unknown>(source: InputSource<I>, options: ModuleProcessOptions<I, R> = {}): Promise<ProcessSummary<I>> {
    const { method, args = (item: I) => [item], onResult, ...rest } = options;
    const bad = method === undefined ? undefined : badMethod(method);
    if (bad) return Promise.reject(bad);
    const items = new Map<Call, I>(); // a call's source item, until the call succeeds (failures are in the summary)
    const calls = mapIterator(source, (item: I) => {
      const call: Call = { method, args: args(item) };
      items.set(call, item);
      return call;
    });
    const item = (call: Call) => items.get(call) as I;
    return this.#engine
      .process(calls, {
        ...rest,
        onResult: (result) => {
          const mapped = { ...result, input: item(result.input) } as ItemResult<I, R>;
          if (result.ok) items.delete(result.input);
          onResult?.(mapped);
        },
      })
      .then((summary) => ({ ...summary, errors: summary.errors.map(({ input, error }) => ({ input: item(input), error })) }));
  }
}

/** Options of `pool.process(source, options)`: ProcessOptions plus which export runs each item and with what arguments. */
export interface ModuleProcessOptions<I, R> extends ProcessOptions<I, R> {
  /** The named export each item is run by (default: the default export). */
  method?: string;
  /** The call's arguments for an item (default `[item]`); what it throws ends the run with that error. */
  args?: (item: I) => unknown[];
}

/**
 * The source's items mapped by `map`, pulled one `next()` at a time. Not a generator: the feed's
 * `return()` reaches the source at once, even while a `next()` waits (an AsyncQueue consumer then
 * ends its wait and takes no later item), and no extra generator step is paid per item.
 * An error `map` throws rejects that `next()` (the run ends with it), after the source's `return()`.
 */
function mapIterator<I, T>(source: InputSource<I>, map: (item: I) => T): AsyncIterator<T> {
  let iterator: AsyncIterator<I> | undefined;
  const from = () => (iterator ??= toAsyncIterator(source));
  return {
    next: async () => {
      const result = await from().next();
      if (result.done) return { done: true, value: undefined };
      try {
        return { done: false, value: map(result.value) };
      } catch (error) {
        await Promise.resolve(iterator?.return?.()).catch(() => {}); // the run ends here: the source runs its finally blocks, as a for-await would
        throw error;
      }
    },
    return: async () => {
      await iterator?.return?.();
      return { done: true, value: undefined };
    },
  };
}

/** Per-call options that are no options object (an array included: destructuring would take it for one). */
function badOptions(options: unknown): InvalidOptionError | undefined {
  if (typeof options !== 'object' || Array.isArray(options)) return new InvalidOptionError('options', options, 'an object of task options');
  return undefined;
}
/** A method name is a non-empty string (the module's exports are looked up by it in the worker). */
function badMethod(method: unknown): InvalidOptionError | undefined {
  if (typeof method !== 'string' || method === '') return new InvalidOptionError('method', method, 'the name of an exported function');
  return undefined;
}

/**
 * Creates a module pool (see PoolOptions). With the module's type —
 * `createPool<typeof import('./worker.js')>({ module: new URL('./worker.js', import.meta.url) })` —
 * `run`, `runMethod` and the broadcasts are typed by its exports; without it the pool is untyped.
 *
 * @example
 * ```ts
 * // worker.mjs: export default (a, b) => a + b;
 * const pool = createPool({ module: new URL('./worker.mjs', import.meta.url) });
 * console.log(await pool.run(1, 2)); // 3
 * await pool.close();
 * ```
 */
export function createPool<M = UntypedModule>(options: PoolOptions): ModulePool<M> {
  return new ModulePool<M>(options);
}
