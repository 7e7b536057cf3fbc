/** The WorkPool under a module pool: ModuleWorkers from the runtime factory, wired to the message bus and the nested-task bridge. */
import type { ModuleWorker } from '../worker/module-worker.js';
import type { Call } from '../worker/protocol.js';
import { MessageBus } from './message-bus.js';
import { NestedBridge } from './nested-bridge.js';
import type { ResolvedPoolOptions } from './pool-options.js';
import type { RuntimeFactory } from './runtime-factory.js';
import type { TaskOptions } from './task.js';
import { WorkPool } from './work-pool.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * WorkPool's subclass API at work: each new worker is attached to the bus and the bridge before it
 * starts, `maxHeapBeforeRecycle` is a recycling rule, and tasks pinned to 'main' get their
 * main-thread worker. Not public: ModulePool keeps it in a private field.
 */
export class ModuleEngine extends WorkPool<Call, unknown, ModuleWorker> {
  readonly bus: MessageBus;
  readonly #nested: NestedBridge;
  readonly #runtime: RuntimeFactory;
  readonly #maxHeap: number | undefined;

  constructor(runtime: RuntimeFactory, options: ResolvedPoolOptions) {
    super(({ id }) => runtime.make(id), options.engine);
    this.#runtime = runtime;
    this.#maxHeap = options.maxHeapBeforeRecycle;
    this.bus = new MessageBus(this);
    this.#nested = new NestedBridge(this);
  }

  /**
   * Submits one call. Tasks pinned to 'main' run on a main-thread worker (started on first use),
   * never moved. A nested task (queued by a running task) is still accepted while close() lets
   * running calls finish.
   */
  call(call: Call, options: TaskOptions, nested = false): Promise<unknown> {
    if (options.affinity === 'main') {
      if (nested ? !this.admitsNested : this.closed) return this.submit(call, options); // refused, before a worker is started
      this.spawnPinned('main', () => this.#runtime.main());
      options = { ...options, affinityStrength: 'force' };
    }
    return nested ? this.submitNested(call, options) : this.submit(call, options);
  }

  /** Every worker slot (starting ones included): for broadcasts and messages to workers being made. */
  get slots(): readonly WorkerHandle<Call, unknown>[] {
    return this.handles;
  }

  /** Reports a worker's own error as the pool's 'error' event (once per error), or a warning when nothing listens. */
  report(worker: ModuleWorker, error: unknown): void {
    this.reportError(worker, error, true);
  }

  protected override onWorker(worker: ModuleWorker, handle: WorkerHandle<Call, unknown>): void {
    this.bus.attach(worker, handle);
    this.#nested.attach(worker, handle);
  }

  protected override shouldRecycle(worker: ModuleWorker): boolean {
    return this.#maxHeap !== undefined && worker.heapUsed > this.#maxHeap;
  }
}
