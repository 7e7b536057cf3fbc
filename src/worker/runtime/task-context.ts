import type { WorkerContext } from '../context.js';

/** One task running in this worker: its lazily made AbortController. */
export class RunningTask {
  #controller: AbortController | undefined;
  #reason: unknown;
  cancelled = false;
  /** It runs in its own context (AsyncLocalStorage): its code finds it after awaits without the runtime's help. */
  tracked = false;
  constructor(readonly id: number) {}

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.cancelled) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  cancel(reason: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/**
 * The second argument of `addTask`-style entry points: the worker context bound to one task.
 * `addTask` is the task's own: its nested tasks are aborted with it.
 */
export function taskContext(base: WorkerContext, task: RunningTask, addTask: WorkerContext['addTask']): WorkerContext {
  return {
    get workerId() {
      return base.workerId;
    },
    get workerData() {
      return base.workerData;
    },
    get signal() {
      return task.signal;
    },
    get taskId() {
      return task.id;
    },
    postMessageToPool: base.postMessageToPool,
    onMessage: base.onMessage,
    addTask,
  };
}
