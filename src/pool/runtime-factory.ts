/** Makes a module pool's workers: the link of its runtime (thread, process, inline) and a ModuleWorker over it. */
import type { Link } from '../channel/link.js';
import { loadSerializer } from '../serializer/resolve.js';
import type { Serializer } from '../serializer/serializer.js';
import { StructuredSerializer } from '../serializer/structured.js';
import { inlineConnector } from '../worker/inline-worker.js';
import { ModuleWorker } from '../worker/module-worker.js';
import { processConnector } from '../worker/process-worker.js';
import { threadConnector } from '../worker/thread-worker.js';
import type { PoolOptions, ResolvedPoolOptions, Runtime } from './pool-options.js';

export class RuntimeFactory {
  readonly #options: ResolvedPoolOptions;
  readonly #connect: (id: number | string) => () => Link;
  /** Loaded once for the pool; a serializer module that fails to load fails every worker's start. */
  #serializer: Serializer | Promise<Serializer>;

  constructor(options: ResolvedPoolOptions) {
    this.#options = options;
    this.#connect = connector(options.runtime, options.given);
    this.#serializer = loadSerializer(options.serializer);
    this.#serializer.then((s) => (this.#serializer = s)).catch(() => {});
  }

  /** A worker of the pool (the WorkPool's factory). */
  async make(id: number): Promise<ModuleWorker> {
    const { runtime, serializer } = this.#options;
    return this.#worker(id, this.#connect(id), await this.#serializer, serializer, runtime === 'thread', this.#options.concurrency);
  }

  /**
   * The main-thread worker of 'main' affinity. Its handle sends it every task pinned to 'main' at
   * once (unbounded): it runs them all at once.
   */
  main(): ModuleWorker {
    return this.#worker('main', inlineConnector(), new StructuredSerializer(), 'structured', false, Number.POSITIVE_INFINITY);
  }

  #worker(id: number | string, link: () => Link, codec: Serializer, codecSpec: string, movesTransfers: boolean, concurrency: number): ModuleWorker {
    const o = this.#options;
    return new ModuleWorker({
      id,
      connect: link,
      movesTransfers,
      init: {
        module: o.moduleUrl,
        workerId: id,
        serializer: codecSpec,
        // left out when there is none: an undefined field would make the INIT frame one JSON cannot carry (see json-frames.ts)
        ...(o.workerData === undefined ? {} : { workerData: o.workerData }),
        reportHeap: o.maxHeapBeforeRecycle !== undefined,
        concurrency,
      },
      serializer: codec,
      killTimeout: o.killTimeout,
      modulePath: o.modulePath,
      maxPendingMessages: o.maxPendingMessages,
      idleWait: o.idleWait,
    });
  }
}

/** How a worker of `runtime` connects: a link maker per worker id. */
function connector(runtime: Runtime, options: PoolOptions): (id: number | string) => () => Link {
  if (runtime === 'inline') return () => inlineConnector();
  if (runtime === 'thread') return (id) => threadConnector(options, `workforce-${id}`);
  const heapMb = options.resourceLimits?.maxOldGenerationSizeMb;
  const extra = [...(options.execArgv ?? []), ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])];
  // the top-level `env` serves processes too, unless `fork.env` is given (fork.serialization, see
  // ForkOptions: Node's 'advanced' channel unless 'json' is asked for, goes as it is)
  const fork =
    options.fork?.env === undefined && options.env !== undefined && typeof options.env === 'object'
      ? { ...options.fork, env: options.env }
      : (options.fork ?? {});
  return () => processConnector(fork, extra);
}
