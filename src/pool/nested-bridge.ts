/** Tasks queued from inside a worker (`workerContext.addTask`): run in the pool, answered back to that worker. */
import type { ModuleWorker } from '../worker/module-worker.js';
import type { Call, NestedWireOptions } from '../worker/protocol.js';
import type { ModuleEngine } from './module-engine.js';
import { NestedTasks } from './nested-tasks.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * Each worker's nested tasks: light affinity to the worker that queued them (unless it asked
 * otherwise), a slot lent to it while their group waits (so waiting on them cannot deadlock),
 * aborted when it gives up on them or is gone.
 */
export class NestedBridge {
  readonly #engine: ModuleEngine;

  constructor(engine: ModuleEngine) {
    this.#engine = engine;
  }

  /** A new worker: its nested-task requests and cancellations go through this bridge. */
  attach(worker: ModuleWorker, handle: WorkerHandle<Call, unknown>): void {
    const nested = new NestedTasks();
    worker.on('nested', (id: number, payload: unknown, options: NestedWireOptions | undefined, group: number) => {
      this.#run(worker, handle, nested, id, payload, options, group);
    });
    worker.on('nested-cancel', (id: number) => nested.cancel(id, `worker ${worker.id} gave up on it`));
    worker.onExit(() => nested.workerGone(`worker ${worker.id} that queued it is gone`));
  }

  #run(
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
    this.#engine
      .call(
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
