import { fileURLToPath } from 'node:url';
import { isPromise } from 'node:util/types';
import type { Link } from '../../channel/link.js';
import { InvalidOptionError } from '../../errors/invalid-option-error.js';
import { MethodNotFoundError } from '../../errors/method-not-found-error.js';
import { SerializationError } from '../../errors/serialization-error.js';
import { TaskAbortedError } from '../../errors/task-aborted-error.js';
import { WorkforceError } from '../../errors/workforce-error.js';
import { loadSerializer } from '../../serializer/resolve.js';
import type { Serializer } from '../../serializer/serializer.js';
import { Tally } from '../../util/tally.js';
import { installContext, runInContext, type WorkerContext } from '../context.js';
import { IdleWake } from '../idle-wake.js';
import { MessageBudget } from '../message-budget.js';
import {
  decodeToChild,
  encodeError,
  encodeInitError,
  encodeNested,
  encodeNestedCancel,
  encodePost,
  encodeReady,
  type Frame,
  type InitConfig,
  type NestedOptions,
  type StartPhase,
  type ToChild,
} from '../protocol.js';
import { IdleWait } from './idle-wait.js';
import { type Entry, loadModule, type ModuleNamespace, resolveEntry, resolveHook } from './module-loader.js';
import { wireOptions } from './nested-options.js';
import { raise } from './own-errors.js';
import { type RunningTask, taskContext } from './task-context.js';
import { TaskRunner } from './task-runner.js';

/** A nested task this worker waits on; `release` removes its abort listeners. */
interface NestedWaiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  release: () => void;
  /** Its lending group (see the NESTED frame in ../protocol.ts). */
  group: number;
}

/**
 * The worker side of a module worker: loads the user module, answers tasks, runs the hooks,
 * relays messages and nested tasks. The same class serves threads, processes and the main
 * thread (inline runtime), each over its own Link.
 */
export class WorkerRuntime implements WorkerContext {
  #config!: InitConfig;
  #serializer!: Serializer;
  #module!: ModuleNamespace;
  #modulePath = '';
  readonly #entries = new Map<string | null, Entry>(); // null: the default export
  readonly #runner = new TaskRunner(this);
  /** A thread's bound on postMessageToPool messages the pool has not handled (see MessageBudget). */
  #budget: MessageBudget | undefined;
  /** A thread's wait for frames while idle (the pool's `idleWait`, see IdleWait). */
  #idle: IdleWait | undefined;
  /** The task whose synchronous part is running (its start, until its first await). */
  #current: RunningTask | undefined;
  readonly #listeners = new Map<string, Set<(content: unknown, context: WorkerContext) => void>>();
  readonly #nested = new Map<number, NestedWaiter>();
  /** Lending groups with nested calls pending, and how many each has. */
  readonly #lending = new Tally<number>();
  #nextNested = 0;
  #closing = false;
  /** Pool messages that arrived before onWorkerStart finished; replayed once ready. */
  #early: ToChild[] | undefined = [];
  /**
   * Inline runtimes share the main thread (several inline workers, inline pools, 'main'
   * affinity): `workerContext` must speak for the runtime whose code is being entered, also
   * after an await, so their code runs in its context (AsyncLocalStorage).
   */
  readonly #shared: boolean;
  /**
   * Tasks run in their own context (AsyncLocalStorage, see runInContext), so `workerContext`
   * speaks for the task also after its awaits. Always on a shared main thread. In a thread or
   * process only once the module asks for it (#track): AsyncLocalStorage installs promise hooks
   * for the whole thread, a cost on every promise that a worker not using it must not pay.
   */
  #tracking: boolean;

  constructor(
    private readonly link: Link,
    private readonly exit: (code: number) => void,
  ) {
    this.#shared = link.kind === 'loopback';
    this.#tracking = this.#shared;
    link.onMessage((frame) => this.#receive(decodeToChild(frame)));
    // A task that ends the worker (process.exit) must not take the results finished before it along.
    if (link.kind !== 'loopback') process.once('exit', this.#runner.flush);
  }

  /** Frames go out by copy (a thread's port, process IPC), not by reference (an inline worker's loopback). */
  get copiesFrames(): boolean {
    return !this.#shared;
  }

  get workerId(): number | string {
    return this.#config.workerId;
  }
  get workerData(): unknown {
    return this.#config.workerData;
  }
  /**
   * The task's signal. Reached here only from code not running in a task's own context (see
   * #tracking): the synchronous start of a task, else (turning tracking on) the only task running.
   */
  get signal(): AbortSignal {
    const task = this.#current ?? this.#untracked();
    if (!task) {
      throw new Error(
        "workerContext.signal: no task found for this code (after an await, with tracking not on for its task, no task or several run in this worker); use the entry point's ctx.signal",
      );
    }
    return task.signal;
  }
  get taskId(): number | undefined {
    return (this.#current ?? this.#untracked())?.id;
  }

  /** Blocks this thread while the pool holds `maxPendingMessages` of its messages unhandled (see MessageBudget). */
  postMessageToPool = (type: string, content?: unknown): void => {
    // checked here, where the caller gets the error: the pool refuses a POST frame of another type and ends the worker
    if (typeof type !== 'string') throw raise(new InvalidOptionError('type', type, 'a string naming the message'));
    this.#budget?.take(() => this.link.alive);
    this.#send(encodePost(type, content), true);
  };

  onMessage = (type: string, listener: (content: unknown, context: WorkerContext) => void): (() => void) => {
    if (typeof listener !== 'function') throw raise(new InvalidOptionError('listener', listener, 'a function (content, context) => …'));
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  };

  /**
   * `workerContext.addTask` from code not running in a task's own context (within one it is the
   * task's `ctx.addTask`): it belongs to the task starting synchronously, else to the only
   * untracked task running, else to none. A call after an await turns tracking on.
   */
  addTask = <T = unknown>(arg: unknown, options?: NestedOptions): Promise<T> => this.#addTask<T>(arg, options, this.#current ?? this.#untracked());

  /**
   * The task a context call made outside a task's synchronous start belongs to when it runs in
   * no task's own context: the only task running that is not tracked (code of a tracked task
   * would have found its own context, so a tracked one is never the caller). Turns tracking on.
   */
  #untracked(): RunningTask | undefined {
    this.#track();
    return this.#runner.onlyUntracked();
  }

  /** From now on, tasks that start run in their own context (see #tracking). */
  #track(): void {
    this.#tracking = true;
  }

  /** A nested task; aborted by its own signal and by `parent`'s cancellation (abort or timeout). */
  #addTask<T>(arg: unknown, options: NestedOptions | undefined, parent: RunningTask | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let wire: ReturnType<typeof wireOptions>;
      try {
        wire = wireOptions(options);
      } catch (error) {
        return reject(raise(error as Error));
      }
      const signals: AbortSignal[] = [];
      if (options?.signal) signals.push(options.signal);
      if (parent) signals.push(parent.signal);
      for (const signal of signals) if (signal.aborted) return reject(raise(new TaskAbortedError(signal.reason)));
      let payload: unknown;
      try {
        payload = this.#serializer.encode([arg]);
      } catch (error) {
        return reject(raise(new SerializationError(`Nested task argument could not be encoded: ${(error as Error).message}`, { cause: error })));
      }
      const id = ++this.#nextNested;
      const listeners = signals.map((signal) => [signal, () => this.#abortNested(id, signal.reason)] as const);
      const release = () => {
        for (const [signal, listener] of listeners) signal.removeEventListener('abort', listener);
      };
      // the parent's task id, or for a call whose parent is unknown a group of its own (-id)
      const group = parent ? parent.id : -id;
      this.#nested.set(id, { resolve: resolve as (v: unknown) => void, reject, release, group });
      this.#lending.add(group);
      try {
        this.#send(encodeNested(id, payload, wire, group), true);
      } catch (error) {
        this.#forget(id);
        return reject(error);
      }
      for (const [signal, listener] of listeners) signal.addEventListener('abort', listener, { once: true });
      // this worker waits: a queued call may use the lent slot — once the caller's synchronous code
      // is done (a call started inside addTask() would run before the caller's next statement)
      queueMicrotask(() => this.#runner.drain());
    });
  }

  /** Gives up on a nested task: it rejects here at once, and the pool is told to cancel it. */
  #abortNested(id: number, reason: unknown): void {
    const waiter = this.#forget(id);
    if (!waiter) return;
    this.#send(encodeNestedCancel(id));
    waiter.reject(raise(new TaskAbortedError(reason)));
  }

  #receive(message: ToChild): void {
    switch (message.op) {
      case 'tasks':
        return this.#runner.enqueue(message.calls);
      case 'cancel':
        return this.#runner.cancel(message.id);
      case 'withdraw':
        return this.#runner.withdraw(message.id);
      case 'message':
        if (this.#early) this.#early.push(message);
        else this.#enter(() => this.#dispatchMessage(message.type, message.content));
        return;
      case 'nested-result':
        return this.#nestedResult(message);
      case 'init':
        void this.#init(message.config);
        return;
      case 'close':
        void this.#close();
        return;
    }
  }

  async #init(config: InitConfig): Promise<void> {
    this.#config = config;
    this.#modulePath = fileURLToPath(config.module);
    if (config.messageBudget) this.#budget = new MessageBudget(config.messageBudget);
    const take = this.link.take;
    if (config.idleWake && take)
      this.#idle = new IdleWait(new IdleWake(config.idleWake), {
        idle: () => !this.#closing && this.#early === undefined && this.#nested.size === 0 && this.#runner.idle && this.link.alive,
        take,
        receive: (frame) => this.#receive(decodeToChild(frame)),
      });
    installContext(this);
    try {
      this.#serializer = await loadSerializer(config.serializer);
    } catch (error) {
      // a user's serializer module may throw anything; workforce's own checks throw its errors
      return this.#startFailed(error, 'serializer', error instanceof WorkforceError);
    }
    try {
      this.#module = await this.#enter(() => loadModule(config.module));
    } catch (error) {
      // loadModule wraps every failure in its own ModuleLoadError (the user's error is its cause)
      return this.#startFailed(error, 'module', true);
    }
    try {
      const hook = resolveHook(this.#module, 'onWorkerStart');
      if (hook) await this.#enter(() => hook(this));
    } catch (error) {
      return this.#startFailed(error, 'hook', false);
    }
    this.#send(encodeReady());
    const early = this.#early ?? [];
    this.#early = undefined;
    for (const message of early) this.#receive(message);
    this.#idle?.arm();
  }

  /** `own`: the runtime raised `error` itself (sent as workforce's class), else user code did. */
  #startFailed(error: unknown, phase: StartPhase, own: boolean): void {
    this.#send(encodeInitError(error, phase, own));
  }

  // ----- for the TaskRunner (its one collaborator)

  /** Calls that may run at once now: concurrency, plus one lent slot per task waiting on nested calls. */
  callLimit(): number {
    // one per task, not per call: a fan-out of nested calls must not all run here while other
    // workers idle; the pool counts the same groups
    return this.#config.concurrency + this.#lending.size;
  }

  /** The argument list of a call, decoded by the pool's serializer. */
  decodeArgs(payload: unknown): unknown[] {
    try {
      return this.#serializer.decode(payload) as unknown[];
    } catch (error) {
      throw raise(new SerializationError(`Task arguments could not be decoded: ${(error as Error).message}`, { cause: error }));
    }
  }

  /** A call's result, encoded by the pool's serializer. */
  encodeResult(value: unknown): unknown {
    return this.#serializer.encode(value);
  }

  /** Sends a RESULT frame; throws when it cannot be cloned. */
  sendFrame(frame: Frame): void {
    this.link.send(frame);
    // results went out: once what else they leave behind is done, the worker may wait idle
    this.#idle?.arm();
  }

  /** Heap in use, when the pool asked for it with each result batch (maxHeapBeforeRecycle). */
  heapUsed(): number | null {
    return this.#config.reportHeap ? process.memoryUsage().heapUsed : null;
  }

  /** The function a call runs: `method` (null = the default export), looked up once. */
  entry(method: string | null): Entry {
    let fn = this.#entries.get(method);
    if (!fn) {
      try {
        fn = resolveEntry(this.#module, method ?? undefined, this.#modulePath);
      } catch (error) {
        // MethodNotFoundError is the runtime's own; a throwing getter on the exports is the user's
        throw error instanceof MethodNotFoundError ? raise(error) : error;
      }
      this.#entries.set(method, fn);
    }
    return fn;
  }

  /** Calls the entry point; `task` is current while it runs synchronously. */
  invoke(fn: Entry, args: unknown[], single: boolean, task: RunningTask): unknown {
    this.#current = task;
    try {
      if (this.#tracking) {
        // the task's own context follows it across awaits: its workerId, signal and addTask
        task.tracked = true;
        const context = taskContext(this, task, this.#addTaskOf(task));
        return runInContext(context, () => (single ? fn(args[0], context) : fn(...args)));
      }
      return single ? fn(args[0], taskContext(this, task, this.#addTaskOf(task))) : fn(...args);
    } finally {
      this.#current = undefined;
    }
  }

  #addTaskOf(task: RunningTask): WorkerContext['addTask'] {
    return <T = unknown>(arg: unknown, options?: NestedOptions) => this.#addTask<T>(arg, options, task);
  }

  /** Calls every listener of `type`, each on its own: what one throws (or rejects with) is reported to the pool, as the pool's own listeners' errors are. */
  #dispatchMessage(type: string, content: unknown): void {
    for (const listener of this.#listeners.get(type) ?? []) {
      try {
        const result: unknown = listener(content, this);
        if (isPromise(result)) result.catch(this.#report);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /** Reports an error of user code that ends nothing (a message listener's): the pool's 'error' event for this worker. */
  #report = (error: unknown): void => {
    this.#send(encodeError(error));
  };

  /** Runs `fn` as this worker: in its own context when the main thread is shared. */
  #enter<T>(fn: () => T): T {
    return this.#shared ? runInContext(this, fn) : fn();
  }

  /** Drops nested call `id`: its signal listeners and its share of its lending group (the runner then drains with the new limit). */
  #forget(id: number): NestedWaiter | undefined {
    const waiter = this.#nested.get(id);
    if (!waiter) return undefined;
    this.#nested.delete(id);
    this.#lending.remove(waiter.group);
    waiter.release();
    queueMicrotask(() => this.#runner.drain());
    return waiter;
  }

  #nestedResult(result: Extract<ToChild, { op: 'nested-result' }>): void {
    const waiter = this.#forget(result.id);
    if (!waiter) return;
    if (!result.ok) return waiter.reject(result.error);
    try {
      waiter.resolve(this.#serializer.decode(result.payload));
    } catch (error) {
      waiter.reject(raise(new SerializationError(`Nested task result could not be decoded: ${(error as Error).message}`, { cause: error })));
    }
  }

  async #close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    try {
      const hook = this.#module && resolveHook(this.#module, 'onWorkerExit');
      if (hook) await this.#enter(() => hook(this));
    } catch {
      // the worker is ending either way
    }
    this.exit(0);
  }

  /** `userData`: the frame carries a user's message or nested task, whose clone failure is the caller's error. */
  #send(frame: Frame, userData = false): void {
    try {
      this.link.send(frame);
    } catch (error) {
      // anything else that cannot be sent means the pool is gone and there is no one left to answer
      if (userData) {
        throw raise(new SerializationError(`Message could not be sent to the pool: ${(error as Error).message}`, { cause: error }));
      }
    }
  }
}
