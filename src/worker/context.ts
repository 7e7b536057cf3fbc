import { AsyncLocalStorage } from 'node:async_hooks';
import type { NestedOptions } from './protocol.js';

/** What a worker module sees of its worker: `import { workerContext } from 'workforce/worker'`. */
export interface WorkerContext {
  /** The pool's id of this worker ('main' on the main thread). */
  readonly workerId: number | string;
  /** The pool's `workerData` option. */
  readonly workerData: unknown;
  /**
   * The current task's AbortSignal: fires when the caller aborts or the task times out.
   * Read it synchronously when the task starts (before its first `await`); `addTask`-style
   * entry points also get it as `ctx.signal` in their second argument.
   */
  readonly signal: AbortSignal;
  /** Id of the current task (same rule as `signal`). */
  readonly taskId: number | undefined;
  /** Sends a message to the pool: `pool.onMessage(type, (content, workerId) => …)`. */
  postMessageToPool(type: string, content?: unknown): void;
  /** Listens for `pool.postMessageToWorkers(type, content)`; returns an unsubscribe function. */
  onMessage(type: string, listener: (content: unknown, context: WorkerContext) => void): () => void;
  /** Queues a task in the pool from inside this worker (light affinity to this worker by default). */
  addTask<T = unknown>(arg: unknown, options?: NestedOptions): Promise<T>;
}

const KEY = Symbol.for('workforce.workerContext');
/** Main-thread workers' contexts, which follow their code across awaits (see runInContext). */
const STORE = Symbol.for('workforce.workerContextStore');

type Slots = { [KEY]?: WorkerContext; [STORE]?: AsyncLocalStorage<WorkerContext> };

/**
 * The context of the worker this code runs in: the one a main-thread worker entered (it
 * follows its code across awaits), else the one the runtime set before the user module loaded.
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
 * share the main thread (inline runtime, 'main' affinity); a thread or process has one context
 * and keeps the plain global (no AsyncLocalStorage cost).
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
 * copies of 'workforce/worker' (and modules loaded before the runtime) agree.
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
