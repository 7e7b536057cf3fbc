import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import createDebug from 'debug';
import type { Link } from '../channel/link.js';
import { ProcessLink } from '../channel/process-link.js';
import { ModuleLoadError } from '../errors/module-load-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import { WorkerCrashError } from '../errors/worker-crash-error.js';
import type { Serializer } from '../serializer/serializer.js';
import { IdTable } from '../util/id-table.js';
import { onMicrotask } from '../util/microtask.js';
import { IdleWake } from './idle-wake.js';
import { MessageBudget } from './message-budget.js';
import {
  type Call,
  decodeToParent,
  encodeCancel,
  encodeClose,
  encodeInit,
  encodeMessage,
  encodeNestedResult,
  encodeWithdraw,
  type Frame,
  type InitConfig,
  isResultFrame,
  type ResultSink,
  readResults,
  TaskBatch,
  type ToParent,
} from './protocol.js';
import type { ExecuteContext, ExitInfo, PoolWorker, Reply, Transferable } from './types.js';

const debug = createDebug('workforce:worker');

export interface ModuleWorkerOptions {
  id: number | string;
  /** Creates the thread / process / loopback this worker talks to. */
  connect: () => Link;
  init: InitConfig;
  /** The parent's instance of the pool's serializer. */
  serializer: Serializer;
  /** ms a graceful stop may take before the worker is killed. */
  killTimeout: number;
  /** Used in messages. */
  modulePath: string;
  /** Transfer lists are moved to the other side (a thread), not copied (a process) or shared (inline). */
  movesTransfers: boolean;
  /**
   * A thread's `postMessageToPool` messages the pool may hold unhandled; past it the worker's
   * thread waits (see MessageBudget). Default 1024; Infinity: no bound.
   */
  maxPendingMessages?: number;
  /** A thread waits for frames in Atomics.wait while idle, woken by the parent (see IdleWake). Default false. */
  idleWait?: boolean;
}

/** Default of ModuleWorkerOptions.maxPendingMessages. */
export const DEFAULT_MAX_PENDING_MESSAGES = 1024;

type Started = { resolve: () => void; reject: (e: unknown) => void };

type Pending = ExecuteContext & Reply;

/** Sync failures are answered on a microtask: a Reply is never answered before the call returns. */
function answerLater(reply: Reply, error: unknown): void {
  queueMicrotask(() => reply.answer(false, error));
}

/**
 * A worker running a user module, over any Link: thread, process or the main thread.
 * Speaks the protocol of ./protocol.ts; the pool sees only the PoolWorker contract.
 * Events: 'online', 'message' (type, content), 'nested' (id, arg, options, group), 'nested-cancel' (id),
 * 'disconnect', 'close', 'error', 'exit', and 'result' (taskId, ok, value) after each call it answers (emitted only when listened to).
 */
export class ModuleWorker extends EventEmitter implements PoolWorker<Call, unknown> {
  readonly id: number | string;
  #link: Link | undefined;
  readonly #pending = new IdTable<Pending>();
  #outbox: Frame[] = [];
  #batch: TaskBatch | undefined;
  /** The last tick's batch, emptied: the next tick's, so that a tick's calls allocate no batch (links that copy only). */
  #spareBatch: TaskBatch | undefined;
  #budget: MessageBudget | undefined;
  /** Set when the thread waits for frames in Atomics.wait while idle: wakes it after each frame. */
  #wake: IdleWake | undefined;
  #transfers: Map<number, readonly Transferable[]> | undefined;
  /** Calls may be sent beyond the pool's concurrency: the worker queues them (pipelining). */
  readonly pipelined = true;
  readonly movesTransfers: boolean;
  #nextCall = 0;
  #exited = false;
  #stopping = false;
  /** READY or INIT_ERROR came: a second one is a frame out of place. */
  #startAnswered = false;
  #fatal: unknown;
  #exitListeners: ((info: ExitInfo) => void)[] = [];
  #exitPromise: Promise<void>;
  #markExited!: () => void;
  /** Where readResults hands each answer; malformed answers' problems are reported after the frame. */
  readonly #sink: ResultSink = {
    heap: (bytes) => {
      if (bytes !== null) this.heapUsed = bytes;
    },
    answer: (id, ok, value) => this.#settle(id, ok, value),
    problem: (error) => (this.#problems ??= []).push(error),
  };
  #problems: SerializationError[] | undefined;
  /** Heap the worker reported with its last result (bytes), when asked to. */
  heapUsed = 0;

  constructor(private readonly options: ModuleWorkerOptions) {
    super();
    this.id = options.id;
    this.movesTransfers = options.movesTransfers;
    this.#exitPromise = new Promise((resolve) => (this.#markExited = resolve));
  }

  get active(): boolean {
    return !this.#exited && this.#link !== undefined && this.#link.alive;
  }

  get pid(): number | undefined {
    return this.#link?.pid;
  }

  get threadId(): number | undefined {
    return this.#link?.threadId;
  }

  /** The forked child of a process worker, once it is forked (Workestrator's `worker.process`). */
  get process(): ChildProcess | undefined {
    return this.#link instanceof ProcessLink ? this.#link.child : undefined;
  }

  /** Calls sent to this worker and not answered yet. */
  get pendingCalls(): number {
    return this.#pending.size;
  }

  onExit(listener: (info: ExitInfo) => void): void {
    this.#exitListeners.push(listener);
  }

  /** The worker's module file (named in start failures). */
  get modulePath(): string {
    return this.options.modulePath;
  }

  /**
   * Starts the worker: resolves once it has loaded its module, run onWorkerStart and come online.
   * Not timed here: the pool bounds every worker's init() by `startTimeout` (Lifecycle) and ends a
   * worker that is late.
   */
  init(): Promise<void> {
    const { options } = this;
    return new Promise<void>((resolve, reject) => {
      let link: Link;
      try {
        link = options.connect();
      } catch (error) {
        return reject(
          new ModuleLoadError(`Cannot start a worker for ${options.modulePath}: ${(error as Error).message}`, options.modulePath, { cause: error }),
        );
      }
      this.#link = link;
      const started: Started = { resolve, reject };
      link.onEvent?.((event, ...args) => this.emit(event, ...args));
      link.onMessage((frame) => this.#receive(frame, started));
      link.onExit((exitCode, signal, cause) => this.#onExit(exitCode, signal, cause, started));
      try {
        this.#send(encodeInit(this.#initConfig(link)));
        for (const message of this.#outbox.splice(0)) this.#send(message);
      } catch (error) {
        link.kill();
        reject(new SerializationError(`workerData could not be sent to the worker: ${(error as Error).message}`, { cause: error }));
      }
    });
  }

  /** Runs one call in the worker; resolves with its result, rejects with the error it threw or its crash. */
  execute(call: Call, context: ExecuteContext): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const { taskId, signal, transfer } = context;
      this.executeWithReply(call, { taskId, signal, transfer, answer: (ok, value) => (ok ? resolve(value) : reject(value)) });
    });
  }

  /** The pool's path: the call joins this tick's TASK batch; `call.answer` gets the result. */
  executeWithReply(call: Call, reply: ExecuteContext & Reply): void {
    if (!this.active) return answerLater(reply, new WorkerCrashError(`Worker ${this.id} is not running`, { workerId: this.id, taskId: reply.taskId }));
    let payload: unknown;
    try {
      payload = this.options.serializer.encode(call.args);
    } catch (error) {
      return answerLater(reply, new SerializationError(`Task arguments could not be encoded: ${(error as Error).message}`, { cause: error }));
    }
    const id = ++this.#nextCall;
    if (!this.#batch) {
      this.#batch = this.#spareBatch ?? new TaskBatch();
      this.#spareBatch = undefined;
      onMicrotask(this.#flush);
    }
    this.#batch.add(id, call.method, payload, call.single);
    const transfer = reply.transfer;
    if (transfer?.length) {
      this.#transfers ??= new Map();
      this.#transfers.set(id, transfer);
    }
    this.#pending.set(id, reply);
    if (reply.onCancel) reply.onCancel(() => this.#trySend(encodeCancel(id)));
    else reply.signal?.addEventListener('abort', () => this.#trySend(encodeCancel(id)), { once: true });
  }

  withdraw(taskId: number): void {
    const id = this.#pending.findId((call) => call.taskId === taskId);
    // after this tick's TASK batch has gone out, so the child already holds the call
    if (id !== undefined) queueMicrotask(() => this.#trySend(encodeWithdraw(id)));
  }

  /** Sends this tick's calls in one message; if it cannot be cloned, one by one so only the bad call fails. */
  readonly #flush = (): void => {
    const batch = this.#batch;
    const transfers = this.#transfers;
    this.#batch = undefined;
    this.#transfers = undefined;
    if (!batch || this.#exited) return;
    try {
      this.#send(batch.frame(), transfers && [...transfers.values()].flat());
      this.#reuse(batch);
      return;
    } catch {
      // fall through: isolate the call that cannot be sent
    }
    this.#sendEach(batch, transfers);
    this.#reuse(batch);
  };

  /** A batch that went out by copy is the next tick's; over an inline worker's loopback the frame itself travels. */
  #reuse(batch: TaskBatch): void {
    if (this.#link?.kind === 'loopback') return;
    batch.reset();
    this.#spareBatch = batch;
  }

  /** Sends a batch that could not go as one frame call by call: only the calls that cannot be sent fail. */
  #sendEach(batch: TaskBatch, transfers: Map<number, readonly Transferable[]> | undefined): void {
    for (const [id, frame] of batch.split()) {
      try {
        this.#send(frame, transfers?.get(id));
      } catch (error) {
        const pending = this.#pending.take(id);
        if (!pending) continue;
        if (!this.active) pending.answer(false, new WorkerCrashError(`Worker ${this.id} is not running`, { workerId: this.id, taskId: pending.taskId }));
        else pending.answer(false, new SerializationError(`Task arguments could not be sent to the worker: ${(error as Error).message}`, { cause: error }));
      }
    }
  }

  /** Sends a pool message to this worker (`workerContext.onMessage`); held until it is connected. */
  post(type: string, content: unknown): void {
    if (this.#exited) return;
    if (!this.#link) this.#outbox.push(encodeMessage(type, content));
    else this.#send(encodeMessage(type, content));
  }

  /** Decodes the argument list of a nested task this worker queued. */
  decodeNested(payload: unknown): unknown[] {
    try {
      return this.options.serializer.decode(payload) as unknown[];
    } catch (error) {
      throw new SerializationError(`Nested task arguments could not be decoded: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Answers a nested task this worker queued. */
  answerNested(id: number, ok: boolean, value: unknown): void {
    let payload = value;
    if (ok) {
      try {
        payload = this.options.serializer.encode(value);
      } catch (error) {
        ok = false;
        payload = new SerializationError(`Nested task result could not be encoded: ${(error as Error).message}`);
      }
    }
    this.#trySend(encodeNestedResult(id, ok, payload));
  }

  async destroy(options: { force?: boolean } = {}): Promise<void> {
    const link = this.#link;
    if (!link || this.#exited) return;
    this.#stopping = true;
    if (options.force || !this.#trySend(encodeClose())) link.kill();
    else {
      const timer = setTimeout(() => link.kill(), this.options.killTimeout);
      await this.#exitPromise;
      clearTimeout(timer);
    }
    await this.#exitPromise;
  }

  /** What the worker sent: untrusted, decoded (and checked) by the codec before anything is used. */
  #receive(frame: unknown, started: Started): void {
    if (isResultFrame(frame)) return this.#receiveResults(frame);
    let message: ToParent;
    try {
      message = decodeToParent(frame, this.#name());
    } catch (error) {
      return this.#malformed(error as SerializationError);
    }
    if (message.op === 'ready' || message.op === 'init-error') {
      if (this.#startAnswered)
        return this.#malformed(
          new SerializationError(`${this.#name()} sent a ${message.op === 'ready' ? 'READY' : 'INIT_ERROR'} frame after its start`, {
            frame: message.op === 'ready' ? 'READY' : 'INIT_ERROR',
          }),
        );
      this.#startAnswered = true;
    }
    switch (message.op) {
      case 'post':
        // handled once the listeners have it (a listener that throws must not keep the budget)
        this.#budget?.release();
        this.emit('message', message.type, message.content);
        return;
      case 'nested':
        this.emit('nested', message.id, message.payload, message.options, message.group);
        return;
      case 'nested-malformed':
        this.answerNested(message.id, false, message.error);
        this.#report(message.error);
        return;
      case 'nested-cancel':
        this.emit('nested-cancel', message.id);
        return;
      case 'ready':
        return started.resolve();
      case 'init-error': {
        const { cause, phase } = message;
        // the runtime's own ModuleLoadError already says which module and why: its cause (what
        // the import threw) becomes this one's, not a second ModuleLoadError of the same words
        const own = phase === 'module' && cause instanceof ModuleLoadError;
        const text = own ? cause.message : `Worker ${this.id} for ${this.options.modulePath} failed to start (${phase}): ${cause.message}`;
        started.reject(new ModuleLoadError(text, this.options.modulePath, { cause: own ? (cause.cause ?? cause) : cause, phase }));
        this.#stopping = true;
        this.#link?.kill();
        return;
      }
      case 'fatal':
        this.#fatal = message.error;
        return;
      case 'error':
        this.#report(message.error);
        return;
    }
  }

  /** A RESULT frame, read straight into the calls it answers (no record per answer). */
  #receiveResults(frame: unknown[]): void {
    try {
      readResults(frame, this.#name(), this.#sink);
    } catch (error) {
      return this.#malformed(error as SerializationError);
    }
    const problems = this.#problems;
    if (problems) {
      this.#problems = undefined;
      for (const problem of problems) this.#report(problem);
    }
  }

  /**
   * A frame that names no call cannot be answered: the worker is ended (its calls are retried as
   * after a crash, the error is its cause), and the pool hears of it through 'error'.
   */
  #malformed(error: SerializationError): void {
    debug('worker %s sent a malformed frame: %s', this.id, error.message);
    if (this.#exited) return;
    this.#fatal ??= error;
    this.#link?.kill();
    this.#report(error);
  }

  #report(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  #name(): string {
    return `Worker ${this.id}${this.pid ? ` (pid ${this.pid})` : ''}`;
  }

  /** The INIT configuration: the pool's, plus a thread's message budget and idle wake-up words. */
  #initConfig(link: Link): InitConfig {
    if (link.kind !== 'thread') return this.options.init;
    const config = { ...this.options.init };
    const share = MessageBudget.share(this.options.maxPendingMessages ?? DEFAULT_MAX_PENDING_MESSAGES);
    if (share) {
      this.#budget = new MessageBudget(share);
      config.messageBudget = share;
    }
    if (this.options.idleWait) {
      config.idleWake = IdleWake.share();
      this.#wake = new IdleWake(config.idleWake);
    }
    return config;
  }

  /** Call `id` answered: `ok` with its encoded result, else with its error. */
  #settle(id: number, ok: boolean, value: unknown): void {
    const pending = this.#pending.take(id);
    if (!pending) return;
    let decoded = value;
    if (ok)
      try {
        decoded = this.options.serializer.decode(value);
      } catch (error) {
        ok = false;
        decoded = new SerializationError(`The result could not be decoded: ${(error as Error).message}`, { cause: error });
      }
    pending.answer(ok, decoded);
    if (this.listenerCount('result') > 0) this.emit('result', pending.taskId, ok, decoded);
  }

  #onExit(exitCode: number | null, signal: string | null, cause: unknown, started: { reject: (e: unknown) => void }): void {
    if (this.#exited) return;
    this.#exited = true;
    const reason = this.#fatal ?? cause;
    const planned = this.#stopping;
    debug('worker %s exited (code %s, signal %s%s)', this.id, exitCode, signal, planned ? ', planned' : '');
    const crash = new WorkerCrashError(
      `Worker ${this.id}${this.pid ? ` (pid ${this.pid})` : ''} ${signal ? `was killed by ${signal}` : `exited with code ${exitCode}`}${reason instanceof Error ? `: ${reason.message}` : ''}`,
      { workerId: this.id, exitCode, signal, pid: this.pid, threadId: this.threadId, cause: reason },
    );
    started.reject(crash);
    for (const listener of this.#exitListeners) listener({ exitCode, signal, cause: reason, planned });
    const pending = this.#pending.entries();
    this.#pending.clear();
    for (const [, call] of pending) call.answer(false, crash.forTask(call.taskId));
    this.#markExited();
  }

  #send(message: Frame, transfer?: readonly Transferable[]): void {
    this.#link!.send(message, transfer);
    this.#wake?.wake();
  }

  #trySend(message: Frame): boolean {
    try {
      this.#send(message);
      return true;
    } catch {
      return false;
    }
  }
}
