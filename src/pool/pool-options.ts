/** createPool's options: their names, and the one place they are checked and given their defaults. */
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { checkSerializerSpec, type SerializerSpec } from '../serializer/resolve.js';
import { count, flag, limit, timerDelay } from '../util/validate.js';
import type { ForkOptions } from '../worker/process-worker.js';
import { resolveModule } from '../worker/runtime/module-loader.js';
import { checkOptionNames, ENGINE_OPTION_NAMES, type EngineOptions, resolveWorkerCounts, workerCount } from './options.js';
import { checkWorkerOptions } from './worker-options.js';

/** Where a pool runs its module: worker threads, child processes, or the main thread (`inline`, for tests and debugging). */
export type Runtime = 'thread' | 'process' | 'inline';

/**
 * createPool's options. Only `module` is required; the table in the README gives every default.
 *
 * @example
 * ```ts
 * const pool = createPool({ module: new URL('./worker.js', import.meta.url), runtime: 'process', maxWorkers: 4, timeout: 5_000 });
 * ```
 */
export interface PoolOptions extends EngineOptions {
  /** The worker module (.js, .mjs, .cjs or .ts): a file: URL (`new URL('./worker.js', import.meta.url)`, relative to your file), an absolute path, or a relative path, resolved against process.cwd(). */
  module: string | URL;
  /** Default 'thread'. */
  runtime?: Runtime;
  /** Fixed pool size: the default of minWorkers and maxWorkers (each given one still wins). At most MAX_WORKERS. Without it: min 1, max the CPU count. */
  numberOfWorkers?: number;
  /** ms a worker gets to exit gracefully before it is killed. Default 500. */
  killTimeout?: number;
  /** 'structured' (default) | 'json' | 'cbor' | absolute path of a Serializer module. */
  serializer?: SerializerSpec;
  /** Given to every worker as `workerContext.workerData`; must survive structuredClone (thread and process runtimes). */
  workerData?: unknown;
  /** Environment of the workers (process workers: `fork.env` when given, else this). */
  env?: Record<string, string | undefined>;
  /** worker_threads resource limits (thread runtime). */
  resourceLimits?: ResourceLimits;
  /** Node flags of thread workers (process workers: `fork.execArgv`). */
  execArgv?: string[];
  /** child_process.fork options (process runtime). */
  fork?: ForkOptions;
  /** Recycle a worker whose heap grew past this many bytes (checked after each call). */
  maxHeapBeforeRecycle?: number;
  /**
   * Thread runtime: `postMessageToPool` messages of one worker the pool may hold unhandled; a
   * worker posting faster than the pool reads blocks in `postMessageToPool` until the pool catches
   * up (its memory stays bounded). Default 1024; Infinity: no bound. Process workers are bounded by their pipe.
   */
  maxPendingMessages?: number;
  /**
   * Thread runtime: an idle worker waits for its next task blocked in `Atomics.wait` instead of in
   * its event loop, and the pool wakes it with `Atomics.notify` after posting to it, so that a lone
   * task is answered sooner. A worker waits so only when nothing runs, nothing is queued or awaited,
   * and its event loop holds nothing but the port to the pool (no timer, socket, file request, own
   * MessagePort or unwritten console output); each wait lasts at most 20 ms, so an unref'd timer
   * or handle may fire up to 20 ms late. Default false. Ignored by process and inline workers.
   */
  idleWait?: boolean;
}

/** Every createPool option name (checked against PoolOptions by the compiler). */
export const POOL_OPTION_NAMES: readonly (keyof PoolOptions)[] = [
  ...ENGINE_OPTION_NAMES,
  ...(Object.keys({
    module: true,
    runtime: true,
    numberOfWorkers: true,
    killTimeout: true,
    serializer: true,
    workerData: true,
    env: true,
    resourceLimits: true,
    execArgv: true,
    fork: true,
    maxHeapBeforeRecycle: true,
    maxPendingMessages: true,
    idleWait: true,
  } satisfies Record<Exclude<keyof PoolOptions, keyof EngineOptions>, true>) as (keyof PoolOptions)[]),
];

/** createPool's options, checked, with their defaults. */
export interface ResolvedPoolOptions {
  /** file: URL of the worker module. */
  moduleUrl: string;
  modulePath: string;
  runtime: Runtime;
  serializer: SerializerSpec;
  killTimeout: number;
  concurrency: number;
  maxHeapBeforeRecycle: number | undefined;
  maxPendingMessages: number | undefined;
  idleWait: boolean;
  workerData: unknown;
  /** What the engine (WorkPool) gets: sizes resolved for a fixed-size pool unless told otherwise. */
  engine: EngineOptions;
  /** The options as given (env, execArgv, fork, resourceLimits: for the runtime's connector). */
  given: PoolOptions;
}

/**
 * Checks every createPool option once (unknown names included) and fills in the defaults; each
 * failure is an InvalidOptionError (or ModuleLoadError for a missing module or serializer file).
 */
export function resolvePoolOptions(options: PoolOptions): ResolvedPoolOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'an object with a module path');
  checkOptionNames(options, POOL_OPTION_NAMES, 'createPool');
  const moduleUrl = resolveModule(options.module);
  const runtime = options.runtime ?? 'thread';
  if (runtime !== 'thread' && runtime !== 'process' && runtime !== 'inline')
    throw new InvalidOptionError('runtime', runtime, "'thread', 'process' or 'inline'");
  // Options handed to worker_threads / child_process: a wrong type fails here, not in every worker.
  checkWorkerOptions(options);
  const serializer = checkSerializerSpec(options.serializer ?? 'structured');
  const killTimeout = timerDelay('killTimeout', options.killTimeout ?? 500, 0);
  const size = options.numberOfWorkers === undefined ? undefined : workerCount('numberOfWorkers', options.numberOfWorkers, 1);
  const concurrency = count('concurrency', options.concurrency ?? 1, 1);
  const maxHeapBeforeRecycle = options.maxHeapBeforeRecycle === undefined ? undefined : limit('maxHeapBeforeRecycle', options.maxHeapBeforeRecycle, 1);
  const maxPendingMessages = options.maxPendingMessages === undefined ? undefined : limit('maxPendingMessages', options.maxPendingMessages, 1);
  const idleWait = flag('idleWait', options.idleWait ?? false);
  // thread and process workers get a copy: a value that cannot be copied fails here, not at the first call
  if (runtime !== 'inline' && options.workerData !== undefined) {
    try {
      structuredClone(options.workerData);
    } catch (error) {
      throw new InvalidOptionError('workerData', options.workerData, `a value structuredClone can copy (${(error as Error).message})`);
    }
  }
  const engine: EngineOptions = {
    ...pickEngine(options),
    // numberOfWorkers: a fixed size; otherwise each count on its own (min 1, max the CPU count)
    ...resolveWorkerCounts(options, size),
    concurrency,
  };
  // maxHeapBeforeRecycle is checked after each call: calls sent ahead would all run on the worker it
  // is about to retire, so it sends none ahead unless `prefetch` is given too
  if (maxHeapBeforeRecycle !== undefined && options.prefetch === undefined) engine.prefetch = 0;
  return {
    moduleUrl,
    modulePath: fileURLToPath(moduleUrl),
    runtime,
    serializer,
    killTimeout,
    concurrency,
    maxHeapBeforeRecycle,
    maxPendingMessages,
    idleWait,
    workerData: options.workerData,
    engine,
    given: options,
  };
}

function pickEngine(options: PoolOptions): EngineOptions {
  const engine: Record<string, unknown> = {};
  for (const name of ENGINE_OPTION_NAMES) if (options[name] !== undefined) engine[name] = options[name];
  return engine as EngineOptions;
}
