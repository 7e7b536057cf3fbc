import { AsyncLocalStorage } from 'node:async_hooks';
import type { NestedOptions } from './protocol.js';

/**
 * What a worker module sees of its worker: `import { workerContext } from 'workforcejs/worker'`.
 *
 * `ctx`, an entry point's 2nd argument, is bound to its task: its `signal`, `taskId` and
 * `addTask` are that task's wherever they are used. `workerContext` speaks for the task the
 * calling code belongs to, found in this order:
 * 1. the task's own context, when its tasks are tracked: always on the main thread (inline
 *    workers, 'main' affinity); in a thread or process for the tasks that start after the module
 *    first used `workerContext.addTask`, `signal` or `taskId` outside the synchronous start of a
 *    task, e.g. after an `await` (tracking costs every promise of the thread something, so a
 *    worker that never does does not pay it);
 * 2. the task whose synchronous start is running (before its first `await`);
 * 3. the only task running in this worker that is not tracked, when exactly one is not (tasks
 *    that started before tracking was on; a tracked task's own code never gets here);
 * 4. none: `signal` throws, `taskId` is undefined, `addTask` queues a task that belongs to no task.
 * So in a thread or process, the first such call after an await (the one that turns tracking on)
 * finds its task only when it is the only one running in its worker; and code outside any task
 * (a timer, an onMessage listener) is taken for that task if it runs while exactly one untracked
 * task does — use `ctx` where it matters.
 */
export interface WorkerContext {
  /** The pool's id of this worker ('main' on the main thread). */
  readonly workerId: number | string;
  /** The pool's `workerData` option. */
  readonly workerData: unknown;
  /**
   * The current task's AbortSignal: fires when the caller aborts or the task times out.
   * Always right at the task's synchronous start and through `ctx.signal`; after an `await`, see
   * the lookup order above (in a thread or process: right once tracking is on, or while the task
   * is the only one running in its worker; otherwise it throws).
   */
  readonly signal: AbortSignal;
  /** Id of the current task (same lookup as `signal`; undefined where `signal` throws). */
  readonly taskId: number | undefined;
  /** Sends a message to the pool: `pool.onMessage(type, (content, workerId) => …)`. A `type` that is not a string throws InvalidOptionError. */
  postMessageToPool(type: string, content?: unknown): void;
  /**
   * Listens for `pool.postMessageToWorkers(type, content)`; returns an unsubscribe function. A
   * listener that throws (or rejects) does not end the worker: its error is reported as this
   * worker's, the pool's 'error' event (a WorkforceWarning when nothing listens).
   */
  onMessage(type: string, listener: (content: unknown, context: WorkerContext) => void): () => void;
  /**
   * Queues a task in the pool from inside this worker (light affinity to this worker by default).
   * It belongs to the current task (same lookup as `signal`): aborted when that task is aborted or
   * times out. Until it settles it lends its worker one slot per task waiting (so that waiting on
   * it cannot deadlock, also for another task awaiting it after the one that queued it returned).
   */
  addTask<T = unknown>(arg: unknown, options?: NestedOptions): Promise<T>;
}

const KEY = Symbol.for('workforce.workerContext');
/** Main-thread workers' contexts, which follow their code across awaits (see runInContext). */
const STORE = Symbol.for('workforce.workerContextStore');

type Slots = { [KEY]?: WorkerContext; [STORE]?: AsyncLocalStorage<WorkerContext> };

/**
 * The context of the worker this code runs in: the one entered with runInContext (a task's own,
 * or a main-thread worker's; it follows its code across awaits), else the one the runtime set
 * before the user module loaded.
 */
export function currentContext(): WorkerContext | undefined {
  const slots = globalThis as Slots;
  return slots[STORE]?.getStore() ?? slots[KEY];
}

export function installContext(context: WorkerContext): void {
  (globalThis as Slots)[KEY] = context;
}

/**
 * Runs `fn` with `context` as the current context, also after its awaits. For the workers that
 * share the main thread (inline runtime, 'main' affinity), and for the tasks of a thread or
 * process once its module asked for tracking (see WorkerContext); until then a thread or
 * process keeps the plain global (no AsyncLocalStorage cost).
 */
export function runInContext<T>(context: WorkerContext, fn: () => T): T {
  const slots = globalThis as Slots;
  slots[STORE] ??= new AsyncLocalStorage<WorkerContext>();
  return slots[STORE].run(context, fn);
}

function current(): WorkerContext {
  const context = currentContext();
  if (!context) throw new Error('workerContext is only available inside a workforce worker');
  return context;
}

/**
 * A stable object that always speaks for the current worker's context, so that ESM and CJS
 * copies of 'workforcejs/worker' (and modules loaded before the runtime) agree.
 *
 * @example
 * ```ts
 * import { workerContext } from 'workforcejs/worker';
 * export default async function fetchAll(urls: string[]) {
 *   const { signal } = workerContext; // read at the task's start: this task's signal
 *   return Promise.all(urls.map((url) => fetch(url, { signal }).then((r) => r.status)));
 * }
 * ```
 */
export const workerContext: WorkerContext = {
  get workerId() {
    return current().workerId;
  },
  get workerData() {
    return current().workerData;
  },
  get signal() {
    return current().signal;
  },
  get taskId() {
    return current().taskId;
  },
  postMessageToPool: (type, content) => current().postMessageToPool(type, content),
  onMessage: (type, listener) => current().onMessage(type, listener),
  addTask: (arg, options) => current().addTask(arg, options),
};
