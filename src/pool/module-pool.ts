import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import createDebug from 'debug';
import type { Link } from '../channel/link.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { PoolClosedError } from '../errors/pool-closed-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import { checkSerializerSpec, loadSerializer, type SerializerSpec } from '../serializer/resolve.js';
import type { Serializer } from '../serializer/serializer.js';
import { StructuredSerializer } from '../serializer/structured.js';
import { count, limit, timerDelay } from '../util/validate.js';
import { inlineConnector } from '../worker/inline-worker.js';
import { ModuleWorker } from '../worker/module-worker.js';
import { type ForkOptions, processConnector } from '../worker/process-worker.js';
import type { Call, NestedWireOptions } from '../worker/protocol.js';
import { resolveModule } from '../worker/runtime/module-loader.js';
import { threadConnector } from '../worker/thread-worker.js';
import type { PoolEventName } from './events.js';
import { MessageListeners } from './message-listeners.js';
import { NestedTasks } from './nested-tasks.js';
import type { EngineOptions } from './options.js';
import type { Runner } from './runner.js';
import type { PoolStats } from './stats.js';
import type { TaskOptions } from './task.js';
import { type CloseOptions, WorkPool } from './work-pool.js';
import type { WorkerHandle } from './worker-handle.js';
import { checkWorkerOptions } from './worker-options.js';

const debug = createDebug('workforce:pool');

export type Runtime = 'thread' | 'process' | 'inline';

export interface PoolOptions extends EngineOptions {
  /** Absolute path (or file: URL) of the worker module: .js, .mjs, .cjs or .ts. */
  module: string | URL;
  /** Default 'thread'. */
  runtime?: Runtime;
  /** Fixed pool size: sets minWorkers and maxWorkers. Default: CPU count. */
  numberOfWorkers?: number;
  /** Workestrator's name of `concurrency`. */
  maxConcurrentCallsPerWorker?: number;
  /** ms a worker gets to exit gracefully before it is killed. Default 500. */
  killTimeout?: number;
  /** ms a worker gets to load its module and come online. Default 30000. */
  startTimeout?: number;
  /** 'structured' (default) | 'json' | 'cbor' | absolute path of a Serializer module. */
  serializer?: SerializerSpec;
  /** Workestrator's name of `serializer`. */
  serializerPath?: SerializerSpec;
  /** Given to every worker as `workerContext.workerData`. */
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
}

export type PoolListener = (...args: any[]) => void;

/**
 * A pool of workers running one module: `run`, `runMethod`, `addTask`, broadcasts, messages
 * both ways. It is the generic WorkPool engine over ModuleWorkers, with the call shape fixed.
 */
export class ModulePool implements Runner {
  readonly #pool: WorkPool<Call, unknown, ModuleWorker>;
  readonly #listeners = new MessageListeners();
  /** postMessageToWorkers() messages for workers the factory has not made yet; sent by #wire. */
  readonly #unsent = new WeakMap<WorkerHandle<Call, unknown>, [string, unknown][]>(); // weak: a worker that is never made must not pin its messages
  readonly #mainWorker: () => ModuleWorker;
  readonly modulePath: string;
  readonly runtime: Runtime;

  constructor(options: PoolOptions) {
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'an object with a module path');
    const moduleUrl = resolveModule(options.module);
    this.modulePath = fileURLToPath(moduleUrl);
    const runtime = options.runtime ?? 'thread';
    if (runtime !== 'thread' && runtime !== 'process' && runtime !== 'inline')
      throw new InvalidOptionError('runtime', runtime, "'thread', 'process' or 'inline'");
    this.runtime = runtime;
    // Options handed to worker_threads / child_process: a wrong type fails here, not in every worker.
    checkWorkerOptions(options);
    const spec = checkSerializerSpec(options.serializer ?? options.serializerPath ?? 'structured');
    let serializer: Serializer | Promise<Serializer> = loadSerializer(spec);
    serializer.then((s) => (serializer = s)).catch(() => {});
    const killTimeout = timerDelay('killTimeout', options.killTimeout ?? 500, 0);
    const startTimeout = timerDelay('startTimeout', options.startTimeout ?? 30_000, 1);
    const size = options.numberOfWorkers === undefined ? undefined : count('numberOfWorkers', options.numberOfWorkers, 1);
    const engine = {
      ...options,
      maxWorkers: options.maxWorkers ?? size,
      // a fixed-size pool unless told otherwise (WorkPool's own default is travetto's min 1)
      minWorkers: options.minWorkers ?? size ?? options.maxWorkers ?? availableParallelism(),
      concurrency: count('concurrency', options.concurrency ?? options.maxConcurrentCallsPerWorker ?? 1, 1),
      // each ModuleWorker times its own start, with an error naming the module
      startTimeout: Number.POSITIVE_INFINITY,
    };
    const maxHeap = options.maxHeapBeforeRecycle === undefined ? undefined : limit('maxHeapBeforeRecycle', options.maxHeapBeforeRecycle, 1);
    const connect = connector(runtime, options);
    const modulePath = this.modulePath;
    const worker = (id: number | string, link: () => Link, codec: Serializer, codecSpec: string, movesTransfers: boolean, concurrency = engine.concurrency) =>
      new ModuleWorker({
        id,
        connect: link,
        movesTransfers,
        init: {
          module: moduleUrl,
          workerId: id,
          serializer: codecSpec,
          workerData: options.workerData,
          reportHeap: maxHeap !== undefined,
          concurrency,
        },
        serializer: codec,
        startTimeout,
        killTimeout,
        modulePath,
      });
    // its handle sends it every task pinned to 'main' at once (unbounded): it runs them all at once
    this.#mainWorker = () => worker('main', inlineConnector(), new StructuredSerializer(), 'structured', false, Number.POSITIVE_INFINITY);
    debug('creating a %s pool of %s (serializer %s)', runtime, this.modulePath, spec);
    this.#pool = new WorkPool<Call, unknown, ModuleWorker>(async ({ id }) => worker(id, connect(id), await serializer, spec, runtime === 'thread'), engine);
    this.#pool.onWorker = (w, handle) => this.#wire(w, handle);
    if (maxHeap !== undefined) this.#pool.recycleWhen = (w) => w.heapUsed > maxHeap;
  }

  /** Calls the module's default export (or `workerEntrypoint`) with `args`. */
  run<R = unknown>(...args: unknown[]): Promise<R> {
    return this.#pool.submit({ method: undefined, args }) as Promise<R>;
  }

  /** Calls the named export `method` with `args`. */
  runMethod<R = unknown>(method: string, ...args: unknown[]): Promise<R> {
    const bad = badMethod(method);
    if (bad) return Promise.reject(bad);
    return this.#pool.submit({ method, args }) as Promise<R>;
  }

  /** `run` / `runMethod` with task options (a signal, affinity): `method` undefined is the default export. */
  runWith<R = unknown>(options: (TaskOptions & { method?: string }) | null, ...args: unknown[]): Promise<R> {
    options ??= {};
    if (typeof options !== 'object') return Promise.reject(new InvalidOptionError('options', options, 'an object of task options'));
    const { method, ...taskOptions } = options;
    const bad = method === undefined ? undefined : badMethod(method);
    if (bad) return Promise.reject(bad);
    return this.#submit({ method, args }, taskOptions) as Promise<R>;
  }

  /** One-argument form with options (null: none): the entry point is called as `fn(arg, ctx)`. */
  addTask<R = unknown>(arg: unknown, options: (TaskOptions & { method?: string }) | null = {}): Promise<R> {
    options ??= {};
    if (typeof options !== 'object') return Promise.reject(new InvalidOptionError('options', options, 'an object of task options'));
    const { method, ...taskOptions } = options;
    const bad = method === undefined ? undefined : badMethod(method);
    if (bad) return Promise.reject(bad);
    return this.#submit({ method, args: [arg], single: true }, taskOptions) as Promise<R>;
  }

  /** Runs the default export on every live worker: `[successes, failures]`. */
  broadcast<R = unknown>(...args: unknown[]): Promise<[R[], Error[]]> {
    return this.#broadcast<R>(undefined, args);
  }

  /** Runs `method` on every live worker: `[successes, failures]`. */
  broadcastMethod<R = unknown>(method: string, ...args: unknown[]): Promise<[R[], Error[]]> {
    const bad = badMethod(method);
    if (bad) return Promise.reject(bad);
    return this.#broadcast<R>(method, args);
  }

  /** Sends a message to every live worker (`workerContext.onMessage(type, …)`); throws PoolClosedError once the pool is closing. */
  postMessageToWorkers(type: string, content?: unknown): void {
    if (typeof type !== 'string') throw new InvalidOptionError('type', type, 'a string naming the message');
    // like every other call: a message nobody can receive is an error, not silently dropped
    if (this.#pool.closed) throw new PoolClosedError();
    // Workers still being made get the message once they exist (#wire); check it can be sent now.
    const later = this.#pool.handles.filter((handle) => handle.live && !handle.worker);
    if (later.length > 0) {
      try {
        structuredClone(content);
      } catch (error) {
        throw new SerializationError(`Message "${type}" could not be sent: ${(error as Error).message}`, { cause: error });
      }
    }
    for (const handle of later) this.#unsent.set(handle, [...(this.#unsent.get(handle) ?? []), [type, content]]);
    for (const worker of this.#pool.workers) {
      try {
        worker.post(type, content);
      } catch (error) {
        if (worker.active) throw new SerializationError(`Message "${type}" could not be sent: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /**
   * Listens for `workerContext.postMessageToPool(type, …)`; returns an unsubscribe function.
   * What the listener throws (or its promise rejects with) is the pool's 'error' event
   * (worker, error), or a process warning when nothing listens to it: it does not crash the host.
   */
  onMessage(type: string, listener: (content: unknown, workerId: number | string) => unknown): () => void {
    return this.#listeners.add(type, listener);
  }

  on(event: PoolEventName, listener: PoolListener): this {
    this.#pool.on(event, listener);
    return this;
  }

  once(event: PoolEventName, listener: PoolListener): this {
    this.#pool.once(event, listener);
    return this;
  }

  off(event: PoolEventName, listener: PoolListener): this {
    this.#pool.off(event, listener);
    return this;
  }

  whenIdle(): Promise<void> {
    return this.#pool.whenIdle();
  }

  /** Lets accepted calls finish, then ends every worker (see CloseOptions.force). */
  close(options?: CloseOptions): Promise<void> {
    return this.#pool.close(options);
  }

  /** Ends every worker now; queued and running calls reject with PoolClosedError. */
  kill(): Promise<void> {
    return this.#pool.kill();
  }

  get stats(): PoolStats {
    return this.#pool.stats;
  }

  /** Calls the pool runs at once when every worker is up (maxWorkers × concurrency). */
  get capacity(): number {
    return this.#pool.capacity;
  }

  /** Set once the pool gave up starting workers (its ModuleLoadError); every call then rejects with it. */
  get failure(): Error | undefined {
    return this.#pool.failure;
  }

  /** Live workers (id, pid for processes, threadId for threads). */
  get workers(): readonly ModuleWorker[] {
    return this.#pool.workers;
  }

  /**
   * Tasks pinned to 'main' run on a main-thread worker (started on first use), never moved.
   * A nested task (queued by a running task) is still accepted while close() lets running calls finish.
   */
  #submit(call: Call, options: TaskOptions, nested = false): Promise<unknown> {
    if (options.affinity === 'main') {
      if (nested ? !this.#pool.admitsNested : this.#pool.closed) return this.#pool.submit(call, options); // refused, before a worker is started
      this.#pool.spawnPinned('main', this.#mainWorker);
      options = { ...options, affinityStrength: 'force' };
    }
    return nested ? this.#pool.submitNested(call, options) : this.#pool.submit(call, options);
  }

  async #broadcast<R>(method: string | undefined, args: unknown[]): Promise<[R[], Error[]]> {
    // a closed pool has no worker to reach: say so, like every other call, rather than [[], []]
    if (this.#pool.closed) throw new PoolClosedError();
    const targets = this.#pool.handles.filter((h) => h.accepting && !h.pinnedOnly);
    const outcomes = await Promise.allSettled(
      targets.map((h) => this.#pool.submit({ method, args }, { affinity: h.id, affinityStrength: 'force' }) as Promise<R>),
    );
    const successes: R[] = [];
    const failures: Error[] = [];
    for (const o of outcomes) {
      if (o.status === 'fulfilled') successes.push(o.value);
      else failures.push(o.reason);
    }
    return [successes, failures];
  }

  #wire(worker: ModuleWorker, handle: WorkerHandle<Call, unknown>): void {
    const pool = this.#pool;
    for (const [type, content] of this.#unsent.get(handle) ?? []) worker.post(type, content);
    this.#unsent.delete(handle);
    worker.on('message', (type: string, content: unknown) => {
      pool.emit('message', worker, type, content);
      this.#listeners.deliver(type, content, worker.id, (error) => this.#listenerFailed(worker, type, error));
    });
    for (const event of ['disconnect', 'close'] as const) worker.on(event, (...args: unknown[]) => pool.emit(event, worker, ...args));
    worker.on('error', (error: unknown) => pool.reportError(worker, error));
    const nested = new NestedTasks();
    worker.on('nested', (id: number, payload: unknown, options: NestedWireOptions | undefined, group: number) => {
      this.#nested(worker, handle, nested, id, payload, options, group);
    });
    worker.on('nested-cancel', (id: number) => nested.cancel(id, `worker ${worker.id} gave up on it`));
    worker.onExit(() => nested.workerGone(`worker ${worker.id} that queued it is gone`));
  }

  /** An onMessage listener threw: the pool's 'error' event, else a warning (never an uncaught exception). */
  #listenerFailed(worker: ModuleWorker, type: string, error: unknown): void {
    if (this.#pool.listenerCount('error') > 0) this.#pool.emit('error', worker, error);
    else
      process.emitWarning(
        `A pool.onMessage(${JSON.stringify(type)}) listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        'WorkforceWarning',
      );
  }

  /** A task queued from inside a worker: light affinity to it, and a lent slot while its group waits. */
  #nested(
    worker: ModuleWorker,
    handle: WorkerHandle<Call, unknown>,
    nested: NestedTasks,
    id: number,
    payload: unknown,
    options: NestedWireOptions = {},
    group = -id,
  ): void {
    let args: unknown[];
    try {
      args = worker.decodeNested(payload);
    } catch (error) {
      worker.answerNested(id, false, error);
      return;
    }
    handle.lending.add(group);
    this.#submit(
      { method: undefined, args: [args[0]], single: true },
      { affinity: options.affinity ?? worker.id, affinityStrength: options.affinityStrength ?? 'light', signal: nested.open(id) },
      true,
    )
      .then(
        (value) => worker.answerNested(id, true, value),
        (error) => worker.answerNested(id, false, error),
      )
      .finally(() => {
        nested.settled(id);
        handle.lending.remove(group);
      });
  }
}

/** A method name is a non-empty string (the module's exports are looked up by it in the worker). */
function badMethod(method: unknown): InvalidOptionError | undefined {
  if (typeof method !== 'string' || method === '') return new InvalidOptionError('method', method, 'the name of an exported function');
  return undefined;
}

function connector(runtime: Runtime, options: PoolOptions): (id: number | string) => () => Link {
  if (runtime === 'inline') return () => inlineConnector();
  if (runtime === 'thread') return (id) => threadConnector(options, `workforce-${id}`);
  const heapMb = options.resourceLimits?.maxOldGenerationSizeMb;
  const extra = [...(options.execArgv ?? []), ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])];
  // the top-level `env` serves processes too, unless `fork.env` is given
  const fork =
    options.fork?.env === undefined && options.env !== undefined && typeof options.env === 'object'
      ? { ...options.fork, env: options.env }
      : (options.fork ?? {});
  return () => processConnector(fork, extra);
}

/** Creates a module pool (see PoolOptions). */
export function createPool(options: PoolOptions): ModulePool {
  return new ModulePool(options);
}
