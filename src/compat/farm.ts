/** Workestrator's Farm: what create() returns — the seed's farm surface (workers, queue, events, errors) over one module pool. */
import { EventEmitter } from 'node:events';
import { CallMaxRetryError } from '../errors/call-max-retry-error.js';
import { QueueFullError } from '../errors/queue-full-error.js';
import { WorkerCrashError } from '../errors/worker-crash-error.js';
import { createPool, type ModulePool } from '../pool/module-pool.js';
import type { PoolStats } from '../pool/stats.js';
import type { TaskOptions } from '../pool/task.js';
import type { CloseOptions } from '../pool/work-pool.js';
import type { ModuleWorker } from '../worker/module-worker.js';
import { MaxConcurrentCallsError } from './errors/max-concurrent-calls-error.js';
import { WorkerTerminatedError } from './errors/worker-terminated-error.js';
import { FarmWorker } from './farm-worker.js';
import { safeEmit } from './safe-emit.js';
import { fromWorkestratorOptions, type WorkestratorOptions, workestratorDefaults } from './workestrator-options.js';

/** A call the farm accepted and has not settled (Workestrator's Call, read-only). */
export interface FarmCall {
  readonly id: number;
  readonly method: string | undefined;
  readonly args: readonly unknown[];
}

/** The farm's 'message' data for a call result, as Workestrator sent it. */
export interface FarmMessage {
  /** The call's task id (the same on every attempt). */
  callId: number;
  res?: unknown;
  err?: Error;
  workerId: number | string;
}

interface OpenCall extends FarmCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The seed's name for each engine error a farm call can reject with. */
function seedError(error: unknown): unknown {
  if (error instanceof QueueFullError && error.name === 'QueueFullError') return MaxConcurrentCallsError.from(error);
  if (error instanceof WorkerCrashError && error.name === 'WorkerCrashError') return WorkerTerminatedError.from(error);
  if (error instanceof CallMaxRetryError) {
    const reason = seedError(error.reason);
    if (reason === error.reason) return error;
    const copy = new CallMaxRetryError(reason, error.attempts, error.taskId);
    copy.stack = error.stack;
    return copy;
  }
  return error;
}

/** Pool events the farm relays, for the farm (worker, ...args) and for the worker (...args). */
const RELAYED = ['online', 'exit', 'close', 'disconnect', 'error', 'ttl', 'idle'] as const;

const farms = new Set<Farm>();
let farmCount = 0;

/**
 * Workestrator's farm: `run`, `runMethod`, `broadcast`, `broadcastMethod`, `kill`, its `workers`
 * (listed from create() on), `queue`, `pendingCalls`, `killed`, `options` and its events — 'fork'
 * (worker, pid), 'online', 'message' (worker, { callId, res?, err?, workerId }) for every call
 * result and (worker, type, content) for a worker's own messages, 'exit', 'close', 'disconnect',
 * 'error', 'ttl', 'idle'. A listener that throws is reported ('error', else a warning) and never
 * breaks the farm. Calls run on the engine (createPool); errors carry the seed's names
 * (MaxConcurrentCallsError, WorkerTerminatedError) and stay instances of the engine's classes.
 */
export class Farm extends EventEmitter {
  readonly id = farmCount++;
  /** The merged options (Workestrator's defaults, then the ones given). */
  readonly options: Readonly<WorkestratorOptions & ReturnType<typeof workestratorDefaults>>;
  readonly #pool: ModulePool;
  readonly #workers = new Map<number | string, FarmWorker>();
  readonly #calls: OpenCall[] = [];
  #nextCall = 0;
  #killed = false;

  constructor(options: WorkestratorOptions) {
    super();
    this.options = Object.freeze({ ...workestratorDefaults(), ...options });
    const given = fromWorkestratorOptions(this.options);
    // Workestrator retried every failed call, thrown errors and timeouts included
    this.#pool = createPool({ runtime: 'process', retryOnError: true, retryOnTimeout: true, ...given });
    for (const event of RELAYED) this.#pool.on(event, (worker: ModuleWorker, ...args: unknown[]) => this.#relay(event, worker, args));
    this.#pool.on('message', (worker: ModuleWorker, type: unknown, content: unknown) => {
      const view = this.#view(worker.id);
      safeEmit(view, 'message', view, type, content);
      safeEmit(this, 'message', view, view, type, content);
    });
    this.createWorkers();
    farms.add(this);
  }

  /** kill() was called. */
  get killed(): boolean {
    return this.#killed;
  }

  /** The workers, from create() on (a worker still being forked has no `process` yet). */
  get workers(): FarmWorker[] {
    this.createWorkers();
    return this.#pool.workerSlots.map((slot) => this.#view(slot.id));
  }

  /** Accepted calls not running yet (oldest first; a read-only view). */
  get queue(): readonly FarmCall[] {
    return this.#calls.slice(this.#running()).map(publicCall);
  }

  /** Accepted calls a worker is running (a read-only view). */
  get pendingCalls(): readonly FarmCall[] {
    return this.#calls.slice(0, this.#running()).map(publicCall);
  }

  get stats(): PoolStats {
    return this.#pool.stats;
  }

  get modulePath(): string {
    return this.#pool.modulePath;
  }

  get runtime(): ModulePool['runtime'] {
    return this.#pool.runtime;
  }

  /** Calls the module's default export with `args` (Workestrator's `run`). */
  run<R = unknown>(...args: unknown[]): Promise<R> {
    return this.#call(undefined, args, () => this.#pool.run<R>(...args));
  }

  /** Calls the named export `method` with `args`. */
  runMethod<R = unknown>(method: string, ...args: unknown[]): Promise<R> {
    return this.#call(method, args, () => this.#pool.runMethod<R>(method, ...args));
  }

  /** workforce's one-argument call with task options (affinity, signal, …). */
  addTask<R = unknown>(arg: unknown, options?: (TaskOptions & { method?: string }) | null): Promise<R> {
    return this.#call(options?.method, [arg], () => this.#pool.addTask<R>(arg, options));
  }

  /** Calls the default export on every live worker: `[results, errors]`. */
  async broadcast<R = unknown>(...args: unknown[]): Promise<[R[], Error[]]> {
    const [ok, failed] = await this.#pool.broadcast<R>(...args);
    return [ok, failed.map((e) => seedError(e) as Error)];
  }

  /** Calls the named export on every live worker: `[results, errors]`. */
  async broadcastMethod<R = unknown>(method: string, ...args: unknown[]): Promise<[R[], Error[]]> {
    const [ok, failed] = await this.#pool.broadcastMethod<R>(method, ...args);
    return [ok, failed.map((e) => seedError(e) as Error)];
  }

  /** Sends a message to every worker (`onMessage` listeners in the worker module get it). */
  postMessageToWorkers(type: string, content?: unknown): void {
    this.#pool.postMessageToWorkers(type, content);
  }

  /** Listens to messages of `type` that workers send; returns the function that stops listening. */
  onMessage(type: string, listener: (content: unknown, workerId: number | string) => unknown): () => void {
    return this.#pool.onMessage(type, listener);
  }

  /** Resolves when no call is queued or running. */
  whenIdle(): Promise<void> {
    return this.#pool.whenIdle();
  }

  /** Lets accepted calls finish, then ends the workers. */
  close(options?: CloseOptions): Promise<void> {
    farms.delete(this);
    return this.#pool.close(options);
  }

  /** Ends the workers now; calls not settled reject with PoolClosedError. Workestrator's was synchronous; this one also returns when everything has ended. */
  kill(): Promise<void> {
    this.#killed = true;
    farms.delete(this);
    return this.#pool.kill();
  }

  /**
   * Lists the engine's workers (it keeps `numberOfWorkers` of them, replacing any that exits);
   * does nothing once the farm is killed, as in Workestrator.
   */
  createWorkers(): void {
    if (this.#killed) return;
    for (const { id } of this.#pool.workerSlots) this.#view(id);
  }

  /**
   * Workestrator's receive(): settles the call `data.callId` of `farm.queue` / `farm.pendingCalls`
   * with `data.res` or `data.err` (its result from the worker is then ignored); an unknown call id
   * is reported on the console, as there.
   */
  receive(data: { callId: number; res?: unknown; err?: Error }): void {
    const call = this.#calls.find((c) => c.id === data?.callId);
    if (!call) {
      console.error('Workestrator : An unknown call was received. This should not happen.', data);
      return;
    }
    if (data.err) call.reject(data.err);
    else call.resolve(data.res);
  }

  /** Workestrator's removeCallFromPending(): drops the call from the farm's lists and returns it (unknown id: a console error). */
  removeCallFromPending(callId: number): FarmCall | undefined {
    const i = this.#calls.findIndex((c) => c.id === callId);
    if (i === -1) {
      console.error('Workestrator : The call is already removed. This should not happen.', callId);
      return undefined;
    }
    return publicCall(this.#calls.splice(i, 1)[0]);
  }

  #running(): number {
    return Math.min(this.#calls.length, this.#pool.stats.running);
  }

  #call<R>(method: string | undefined, args: unknown[], start: () => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let done = false;
      const call: OpenCall = {
        id: this.#nextCall++,
        method,
        args,
        resolve: (value) => finish(() => resolve(value as R)),
        reject: (error) => finish(() => reject(seedError(error))),
      };
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        const i = this.#calls.indexOf(call);
        if (i !== -1) this.#calls.splice(i, 1);
        settle();
      };
      this.#calls.push(call);
      start().then(call.resolve, call.reject);
    });
  }

  /** The FarmWorker of engine worker `id` (made on first sight). */
  #view(id: number | string): FarmWorker {
    let view = this.#workers.get(id);
    if (!view) {
      view = new FarmWorker(id, {
        killTimeout: this.options.killTimeout,
        maxConcurrentCallsPerWorker: this.options.maxConcurrentCallsPerWorker,
        engineWorker: (wid) => this.#pool.workerSlots.find((slot) => slot.id === wid)?.worker,
      });
      this.#workers.set(id, view);
    }
    return view;
  }

  #relay(event: (typeof RELAYED)[number], worker: ModuleWorker, args: unknown[]): void {
    const view = this.#view(worker.id);
    if (event === 'online') {
      view.forked();
      worker.on('result', (callId: number, ok: boolean, value: unknown) => {
        const data: FarmMessage = ok ? { callId, res: value, workerId: worker.id } : { callId, err: seedError(value) as Error, workerId: worker.id };
        safeEmit(view, 'message', view, data);
        safeEmit(this, 'message', view, view, data);
      });
      safeEmit(this, 'fork', view, view, worker.pid);
    }
    if (event === 'exit') {
      view.exited();
      this.#workers.delete(worker.id);
      args = args.slice(0, 2); // Workestrator's (worker, code, signal), without workforce's WorkerExit
    }
    // a worker's own 'error' listeners are optional, as on the seed's EventEmitter (no throw when unheard)
    if (event !== 'error' || view.listenerCount('error') > 0) safeEmit(view, event, view, ...args);
    safeEmit(this, event, view, view, ...args);
    if (event === 'exit') this.createWorkers();
  }
}

function publicCall({ id, method, args }: OpenCall): FarmCall {
  return { id, method, args };
}

/** Workestrator's kill(): kills every farm not yet killed or closed. */
export function killFarms(): Promise<void>[] {
  return [...farms].map((farm) => farm.kill());
}
