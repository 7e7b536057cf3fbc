/**
 * The producer: the calls of a local pool (run, runMethod, addTask), each a BullMQ job answered
 * by whichever consumer takes it. Results arrive through one QueueEvents per producer; a poll of
 * job states settles calls whose event was missed or trimmed, so no call waits for ever.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type JobsOptions, Queue, QueueEvents, QueueEventsProducer } from 'bullmq';
import createDebug from 'debug';
import type { Redis } from 'ioredis';
import { CallMaxRetryError } from '../errors/call-max-retry-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { JobRemovedError } from '../errors/job-removed-error.js';
import { PoolClosedError } from '../errors/pool-closed-error.js';
import { TaskAbortedError } from '../errors/task-aborted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { WorkerCrashError } from '../errors/worker-crash-error.js';
import type { DynamicArg, MethodArgs, MethodName, MethodResult, MethodTaskArg, RunArgs, RunResult, TaskArg, UntypedModule } from '../pool/typed.js';
import type { Serializer } from '../serializer/serializer.js';
import { count, delay, limit } from '../util/validate.js';
import { within } from '../util/within.js';
import { cancelChannel } from './cancel-channel.js';
import { OwnClients } from './clients.js';
import { CLOSE_GRACE_MS, connectionOptions, FORCED_CLOSE_MS, type RedisConnection } from './connection.js';
import { type CallData, callData, READY_EVENT } from './job-data.js';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  decodePayload,
  encodePayload,
  plainJsonFor,
  type RemoteSerializerSpec,
  serializerLoader,
  serializerName,
} from './payload.js';
import { fromWire, parseFailure } from './wire-error.js';

const debug = createDebug('workforce:remote');

/** BullMQ's failedReason for a job whose consumers kept dying (its stalled limit). */
const STALLED_LIMIT = 'job stalled more than allowable limit';

/**
 * createRemotePool's options: the queue, the Redis connection, and the per-call limits.
 *
 * @example
 * ```ts
 * const pool = createRemotePool({ queue: 'hashes', connection: 'redis://127.0.0.1:6379' });
 * ```
 */
export interface RemotePoolOptions {
  /** Name of the BullMQ queue the consumers serve. */
  queue: string;
  /** Redis: a redis:// URL or ioredis options such as `{ host, port }`. */
  connection: RedisConnection;
  /** 'cbor' (default: Date, Map, BigInt, Buffer survive), 'json', a Serializer or the path of a Serializer module. */
  serializer?: RemoteSerializerSpec;
  /**
   * BullMQ options of every job. Defaults: `attempts: 1` (the consumer's pool retries crashed
   * calls itself), completed jobs kept 1 h and failed ones 24 h (a `jobId` is an idempotency key
   * while its job is kept).
   */
  jobOptions?: JobsOptions;
  /** ms a call may take, from the call to its result, before it rejects with TimeoutError and is cancelled. Default Infinity. */
  timeout?: number;
  /** Limit of an encoded argument list or result, bytes: beyond it a call rejects with SerializationError. Default 1 MiB. */
  maxPayloadBytes?: number;
  /** ms between polls of the states of calls older than this (catches missed events). Default 5000. */
  pollInterval?: number;
  /** BullMQ key prefix. Default 'bull'. */
  prefix?: string;
}

/** Options of one remote call (`addTask`): the method and its AbortSignal. */
export interface RemoteTaskOptions {
  /** Named export to call (default: the default export). */
  method?: string;
  /** Aborting it removes a waiting job, or cancels a running one (its task's signal fires); the call rejects with TaskAbortedError at once. */
  signal?: AbortSignal;
  /** ms for this call (see RemotePoolOptions.timeout). */
  timeout?: number;
  /** BullMQ job id: an idempotency key while the job is kept (a second call with it gets the same result). */
  jobId?: string;
  /** BullMQ priority (1 is the highest; 0 or none: plain FIFO). */
  priority?: number;
  /** ms before the job may start. */
  delay?: number;
}

interface Pending {
  readonly jobId: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** When the job was added (0 until then, and for ever if its add failed): the poll looks only at calls older than pollInterval. */
  addedAt: number;
  /** The adds of the tick this call was made in: settles once they have reached Redis (or failed). */
  batch: AddBatch | undefined;
  /** Its timeout's timer, if it has one. */
  timer: NodeJS.Timeout | undefined;
  /** Its caller's signal and the listener on it, if it has one. */
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Most jobs one addBulk adds (calls made in one tick are added together). */
const MAX_BULK = 1000;

interface QueuedAdd {
  readonly name: string;
  readonly data: CallData;
  readonly opts: JobsOptions;
  readonly call: Pending;
}

/** The jobs of the calls made in one tick, added together on the next; `done` never rejects. */
interface AddBatch {
  readonly adds: QueuedAdd[];
  readonly done: Promise<void>;
}

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 24 * 3600 },
};

/** Calls answered by consumers on any machine serving `queue` (see serveQueue). */
export class RemotePool<M = UntypedModule> {
  readonly queueName: string;
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  #markers: QueueEventsProducer | undefined;
  #publisher: Redis | undefined;
  /** The Redis clients of #queue, #events, #markers and #publisher (see ./clients.ts): close() ends them itself. */
  readonly #clients: OwnClients;
  /** Jobs of calls made in this tick, added together (addBulk) on the next. */
  #batch: AddBatch | undefined;
  readonly #connection: ReturnType<typeof connectionOptions>;
  readonly #prefix: string | undefined;
  readonly #serializer: { spec: RemoteSerializerSpec; load: () => Promise<Serializer> };
  /** The serializer once loaded: calls then encode, and results decode, without waiting for a promise. */
  #loaded: Serializer | undefined;
  readonly #serializerName: string;
  readonly #jobOptions: JobsOptions;
  readonly #timeout: number;
  readonly #maxBytes: number;
  readonly #pollInterval: number;
  readonly #ready: Promise<unknown>;
  /** Calls waiting for their job, by job id (several calls may share a caller's jobId). */
  readonly #pending = new Map<string, Pending[]>();
  /** Calls made while the serializer loads (see #afterLoad): each one's way to reject it. */
  readonly #loading = new Set<(error: unknown) => void>();
  /** Cancellations and adds still talking to Redis: close() waits for them. */
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #poller: NodeJS.Timeout;
  #polling = false;
  #closing: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  constructor(options: RemotePoolOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', options, 'an object with queue and connection');
    if (typeof options.queue !== 'string' || options.queue === '') throw new InvalidOptionError('queue', options.queue, 'a queue name');
    this.queueName = options.queue;
    this.#connection = connectionOptions(options.connection);
    this.#serializer = serializerLoader(options.serializer ?? 'cbor');
    this.#serializerName = serializerName(this.#serializer.spec);
    if (options.jobOptions !== undefined && (typeof options.jobOptions !== 'object' || options.jobOptions === null)) {
      throw new InvalidOptionError('jobOptions', options.jobOptions, 'an object of BullMQ job options');
    }
    this.#jobOptions = { ...DEFAULT_JOB_OPTIONS, ...options.jobOptions };
    this.#timeout = delay('timeout', options.timeout ?? Number.POSITIVE_INFINITY, 1);
    this.#maxBytes = limit('maxPayloadBytes', options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, 1);
    this.#pollInterval = count('pollInterval', options.pollInterval ?? 5000, 10);
    if (options.prefix !== undefined && (typeof options.prefix !== 'string' || options.prefix === ''))
      throw new InvalidOptionError('prefix', options.prefix, 'a key prefix');
    this.#prefix = options.prefix;
    const prefix = this.#prefixOption;
    // a Queue's commands fail after ioredis's retries (an add then rejects its call); QueueEvents blocks, as BullMQ requires
    this.#clients = new OwnClients(this.#connection);
    this.#queue = new Queue(this.queueName, { connection: this.#clients.open({ blocking: false }), ...prefix });
    this.#events = new QueueEvents(this.queueName, { connection: this.#clients.open({ blocking: true, lazy: true }), ...prefix });
    // Connection trouble is retried by ioredis; a call then settles through the poll. Never an uncaught 'error'.
    this.#queue.on('error', (error) => debug('queue error: %s', error.message));
    this.#events.on('error', (error) => debug('queue events error: %s', error.message));
    this.#events.on('completed', ({ jobId, returnvalue }) => this.#completed(jobId, returnvalue));
    this.#events.on('failed', ({ jobId, failedReason }) => void this.#failed(jobId, failedReason));
    this.#events.on('removed', ({ jobId }) => this.#settle(jobId, false, new JobRemovedError(jobId, this.queueName)));
    this.#ready = Promise.all([this.#queue.waitUntilReady(), this.#listening()]);
    this.#ready.catch(() => {});
    this.#poller = setInterval(() => void this.#poll(), this.#pollInterval);
    this.#poller.unref();
  }

  /**
   * Resolves once the QueueEvents reads the stream. Its first read starts at the stream's end
   * *after* it connects: a job finished before that read would never be heard of (only the poll
   * would settle it), so marker events are published until one is heard (5 s at most).
   */
  async #listening(): Promise<void> {
    await this.#events.waitUntilReady();
    const marker = randomUUID();
    let heard = false;
    const listener = (args: { marker?: string }) => {
      if (args.marker === marker) heard = true;
    };
    this.#events.on(READY_EVENT as 'error', listener as never);
    try {
      // the first read may not be issued yet when an event is published: publish until one is heard
      for (let i = 0; i < 100 && !heard && !this.#closing; i++) {
        await this.#producer().publishEvent({ eventName: READY_EVENT, marker });
        for (let wait = 0; wait < 10 && !heard; wait++) await sleep(5);
      }
    } finally {
      this.#events.off(READY_EVENT as 'error', listener as never);
    }
  }

  /** `{ prefix }` for BullMQ's constructors, or nothing (BullMQ's default). */
  get #prefixOption(): { prefix?: string } {
    return this.#prefix ? { prefix: this.#prefix } : {};
  }

  #producer(): QueueEventsProducer {
    if (!this.#markers) {
      this.#markers = new QueueEventsProducer(this.queueName, {
        connection: this.#clients.open({ blocking: true }),
        ...this.#prefixOption,
      });
      this.#markers.on('error', (error) => debug('markers error: %s', error.message));
    }
    return this.#markers;
  }

  /** Adds the job with the others of this tick (one round trip for all of them); returns their batch. */
  #add(add: QueuedAdd): AddBatch {
    let batch = this.#batch;
    if (!batch) {
      const adds: QueuedAdd[] = [];
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#flushAdds(adds));
      batch = this.#batch = { adds, done };
      this.#track(done);
    }
    batch.adds.push(add);
    return batch;
  }

  /** Adds a tick's jobs (addBulk, MAX_BULK a time); a call whose job could not be added rejects with the error. Never rejects. */
  async #flushAdds(adds: QueuedAdd[]): Promise<void> {
    if (this.#batch?.adds === adds) this.#batch = undefined;
    try {
      await this.#ready;
    } catch (error) {
      for (const add of adds) this.#settleOne(add.call, false, error);
      return;
    }
    const parts: QueuedAdd[][] = [];
    for (let at = 0; at < adds.length; at += MAX_BULK) parts.push(adds.slice(at, at + MAX_BULK));
    await Promise.all(
      parts.map(async (part) => {
        try {
          if (part.length === 1) await this.#queue.add(part[0].name, part[0].data, part[0].opts);
          else await this.#queue.addBulk(part.map(({ name, data, opts }) => ({ name, data, opts })));
        } catch (error) {
          debug('adding %d jobs failed: %s', part.length, (error as Error)?.message);
          for (const add of part) this.#settleOne(add.call, false, error);
          return;
        }
        const now = Date.now();
        for (const add of part) add.call.addedAt = now;
      }),
    );
  }

  /** Calls the module's default export with `args` on a consumer (typed pool: its parameters and awaited result). */
  run<R = unknown>(...args: RunArgs<M>): Promise<RunResult<M, R>> {
    return this.#call(undefined, args as unknown[], false, {}) as Promise<RunResult<M, R>>;
  }

  /** Calls the named export `method` with `args` on a consumer (typed pool: only exported functions, their parameters and awaited result). */
  runMethod<R = unknown, K extends MethodName<M> = MethodName<M>>(method: K, ...args: MethodArgs<M, K>): Promise<MethodResult<M, K, R>> {
    if (typeof method !== 'string' || method === '') return Promise.reject(new InvalidOptionError('method', method, 'the name of an exported function'));
    return this.#call(method, args as unknown[], false, {}) as Promise<MethodResult<M, K, R>>;
  }

  /**
   * One-argument form with options: the entry point is called as `fn(arg, ctx)` on a consumer.
   * Typed pool: `arg` and the result are those of the default export's first parameter, or of `method`'s.
   */
  addTask<R = unknown>(arg: TaskArg<M>, options?: (RemoteTaskOptions & { method?: undefined }) | null): Promise<RunResult<M, R>>;
  addTask<R = unknown, K extends MethodName<M> = MethodName<M>>(
    arg: MethodTaskArg<M, K>,
    options: RemoteTaskOptions & { method: K },
  ): Promise<MethodResult<M, K, R>>;
  /** Untyped pool, a method name known only at run time. */
  addTask<R = unknown>(arg: DynamicArg<M>, options?: RemoteTaskOptions | null): Promise<R>;
  addTask(arg: unknown, options: RemoteTaskOptions | null = {}): Promise<unknown> {
    options ??= {};
    if (typeof options !== 'object') return Promise.reject(new InvalidOptionError('options', options, 'an object of task options'));
    const { method } = options;
    if (method !== undefined && (typeof method !== 'string' || method === '')) {
      return Promise.reject(new InvalidOptionError('method', method, 'the name of an exported function'));
    }
    return this.#call(method, [arg], true, options);
  }

  /** Calls not settled yet. */
  get pending(): number {
    let n = this.#loading.size;
    for (const calls of this.#pending.values()) n += calls.length;
    return n;
  }

  /**
   * Stops taking calls, waits for the accepted ones to settle (with `force`, rejects them now with
   * PoolClosedError; their jobs stay queued), then closes every Redis connection. A Redis that does
   * not answer does not hold it: its last adds and cancels and the closing get 2 s together, then
   * the connections are closed by force.
   */
  close(options: { force?: boolean } | null = {}): Promise<void> {
    this.#closing ??= (async () => {
      if (options?.force) {
        const closed = () => new PoolClosedError('The remote pool was closed before this call settled');
        for (const fail of [...this.#loading]) fail(closed());
        for (const id of [...this.#pending.keys()]) this.#settle(id, false, closed());
      }
      if (this.pending > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
      clearInterval(this.#poller);
      const closed = (async () => {
        while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
        await Promise.allSettled([this.#events.close(), this.#queue.close(), this.#markers?.close()]);
        await this.#clients.close();
      })();
      if (await within(closed, CLOSE_GRACE_MS)) return;
      debug('Redis does not answer: closing its connections by force');
      // (a write waiting for Redis fails once its connection is closed: the wait above then ends too)
      this.#clients.disconnect();
      await within(closed, FORCED_CLOSE_MS);
    })();
    return this.#closing;
  }

  #call(method: string | undefined, args: unknown[], single: boolean, options: RemoteTaskOptions): Promise<unknown> {
    try {
      const serializer = this.#loaded;
      if (serializer) return this.#submit(serializer, method, args, single, options);
      // the first calls: their options are checked now, then they wait for the serializer to load
      const timeout = this.#check(options);
      const madeAt = performance.now();
      return this.#afterLoad(options.signal, timeout, (serializer) => this.#submit(serializer, method, args, single, options, madeAt));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A call made while the serializer loads, submitted once it has: it is accepted meanwhile
   * (close() waits for it, close({ force }) refuses it), its abort rejects it at once, and its
   * `timeout` runs from the call.
   */
  #afterLoad(signal: AbortSignal | undefined, timeout: number, submit: (serializer: Serializer) => Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onAbort = () => fail(new TaskAbortedError(signal?.reason));
      const timer = timeout === Number.POSITIVE_INFINITY ? undefined : setTimeout(() => fail(new TimeoutError(timeout)), timeout);
      const leave = (): boolean => {
        if (!this.#loading.delete(fail)) return false;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#checkIdle();
        return true;
      };
      const fail = (error: unknown) => {
        if (leave()) reject(error);
      };
      this.#loading.add(fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#serializer.load().then((serializer) => {
        this.#loaded = serializer;
        if (!this.#loading.has(fail)) return; // aborted, or refused by close({ force })
        // submitted before it leaves #loading: close() must never see the pool idle in between
        let call: Promise<unknown>;
        try {
          call = submit(serializer);
        } catch (error) {
          call = Promise.reject(error);
        }
        leave();
        resolve(call);
      }, fail);
    });
  }

  /** Checks a call's options (and that the pool takes calls); returns its timeout. */
  #check(options: RemoteTaskOptions): number {
    if (this.#closing) throw new PoolClosedError();
    const { signal, jobId, priority } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidOptionError('signal', signal, 'an AbortSignal');
    if (jobId !== undefined && (typeof jobId !== 'string' || jobId === '' || /^\d+$/.test(jobId))) {
      throw new InvalidOptionError('jobId', jobId, 'a non-empty string that is not a whole number (BullMQ keeps those for its own ids)');
    }
    const timeout = this.#timeoutOf(options);
    if (priority !== undefined) count('priority', priority, 0);
    if (options.delay !== undefined) delay('delay', options.delay, 0);
    if (signal?.aborted) throw new TaskAbortedError(signal.reason);
    return timeout;
  }

  #timeoutOf(options: RemoteTaskOptions): number {
    return options.timeout === undefined ? this.#timeout : delay('timeout', options.timeout, 1);
  }

  /** Encodes the call and queues its job; throws (synchronously) what the call rejects with before anything reaches Redis. */
  #submit(
    serializer: Serializer,
    method: string | undefined,
    args: unknown[],
    single: boolean,
    options: RemoteTaskOptions,
    /** When an accepted call was made (it waited for the serializer): its options were checked then, its timeout runs from then. */
    madeAt?: number,
  ): Promise<unknown> {
    const timeout = madeAt === undefined ? this.#check(options) : this.#timeoutOf(options);
    const left = madeAt === undefined ? timeout : Math.max(1, timeout - (performance.now() - madeAt));
    const { signal, jobId, priority } = options;
    // before anything reaches Redis: a value the serializer refuses, or one over the limit
    const data = callData(
      method,
      single,
      this.#serializerName,
      encodePayload(serializer, args, this.#maxBytes, 'argument list', plainJsonFor(this.#serializerName)),
      this.#maxBytes,
    );
    const id = jobId ?? randomUUID();
    const opts: JobsOptions = { ...this.#jobOptions, jobId: id };
    if (priority !== undefined) opts.priority = priority;
    if (options.delay !== undefined) opts.delay = options.delay;
    return new Promise((resolve, reject) => {
      const call: Pending = { jobId: id, resolve, reject, addedAt: 0, batch: undefined, timer: undefined, signal: undefined, onAbort: undefined };
      const calls = this.#pending.get(id);
      if (calls) calls.push(call);
      else this.#pending.set(id, [call]);
      call.batch = this.#add({ name: method ?? 'default', data, opts, call });
      if (timeout !== Number.POSITIVE_INFINITY) call.timer = setTimeout(() => this.#giveUp(call, new TimeoutError(timeout)), left);
      if (signal) {
        const onAbort = () => this.#giveUp(call, new TaskAbortedError(signal.reason));
        signal.addEventListener('abort', onAbort, { once: true });
        call.signal = signal;
        call.onAbort = onAbort;
      }
    });
  }

  /** Aborted or timed out: the call rejects now; the job is removed if it waits, else its consumer is told to cancel it. */
  #giveUp(call: Pending, error: Error): void {
    if (!this.#settleOne(call, false, error)) return;
    // another call still waits for this job id (a shared jobId): leave the job alone
    if (this.#pending.has(call.jobId)) return;
    const batch = call.batch;
    if (!batch) return;
    this.#track(
      batch.done.then(async () => {
        if (call.addedAt === 0) return; // its job was never added
        const removed = await this.#queue.remove(call.jobId);
        debug('call %s %s: job %s', call.jobId, error.name, removed ? 'removed' : 'running, cancelled');
        if (removed) return;
        this.#publisher ??= this.#clients.open({ blocking: true });
        await this.#publisher.publish(cancelChannel(this.#prefix, this.queueName), call.jobId);
      }),
    );
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    const kept = promise.catch((error) => debug('remote call bookkeeping failed: %s', error?.message));
    this.#inflight.add(kept);
    void kept.finally(() => this.#inflight.delete(kept));
    return promise;
  }

  #completed(jobId: string, stored: unknown): void {
    // a call waits for this job: it loaded the serializer
    const serializer = this.#loaded;
    if (!serializer || !this.#pending.has(jobId)) return;
    let value: unknown;
    try {
      value = decodePayload(serializer, stored, 'result');
    } catch (error) {
      return this.#settle(jobId, false, error);
    }
    this.#settle(jobId, true, value);
  }

  /** A failed job: `attemptsStarted` when the caller read it already (the poll), else it is read if needed. */
  async #failed(jobId: string, failedReason: unknown, attemptsStarted?: number): Promise<void> {
    if (!this.#pending.has(jobId)) return;
    const wire = parseFailure(failedReason);
    if (wire) return this.#settle(jobId, false, fromWire(wire));
    if (failedReason === STALLED_LIMIT) {
      // the consumers that took it kept dying (or were cut off) past maxStalledCount
      const started = attemptsStarted ?? (await this.#queue.getJob(jobId).catch(() => undefined))?.attemptsStarted;
      const attempts = Math.max(1, started ?? 1);
      const lost = new WorkerCrashError(`The consumer running job ${jobId} was lost (consumer lost) ${attempts} times`);
      return this.#settle(jobId, false, new CallMaxRetryError(lost, attempts));
    }
    this.#settle(jobId, false, new Error(typeof failedReason === 'string' ? failedReason : `Job ${jobId} failed`));
  }

  /** Settles every call waiting for `jobId`. */
  #settle(jobId: string, ok: boolean, value: unknown): void {
    const calls = this.#pending.get(jobId);
    if (!calls) return;
    this.#pending.delete(jobId);
    for (const call of calls) this.#finish(call, ok, value);
    this.#checkIdle();
  }

  /** Settles one call, once; false if it was already settled. */
  #settleOne(call: Pending, ok: boolean, value: unknown): boolean {
    const calls = this.#pending.get(call.jobId);
    const at = calls ? calls.indexOf(call) : -1;
    if (!calls || at < 0) return false;
    if (calls.length === 1) this.#pending.delete(call.jobId);
    else calls.splice(at, 1);
    this.#finish(call, ok, value);
    this.#checkIdle();
    return true;
  }

  #finish(call: Pending, ok: boolean, value: unknown): void {
    if (call.timer !== undefined) clearTimeout(call.timer);
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort);
    if (ok) call.resolve(value);
    else call.reject(value);
  }

  /** close() waits for the last call: tell it. */
  #checkIdle(): void {
    if (this.#pending.size === 0 && this.#loading.size === 0 && this.#idle) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  }

  /**
   * Reads the state of calls added more than pollInterval ago (at most POLL_BATCH a round), all
   * in one round trip: a finished or gone job settles them.
   */
  async #poll(): Promise<void> {
    if (this.#polling || this.#pending.size === 0) return;
    this.#polling = true;
    try {
      const before = Date.now() - this.#pollInterval;
      const ids: string[] = [];
      for (const [id, calls] of this.#pending) {
        if (calls.some((c) => c.addedAt > 0 && c.addedAt <= before)) ids.push(id);
        if (ids.length >= POLL_BATCH) break;
      }
      if (ids.length === 0) return;
      for (const state of await this.#states(ids)) {
        if (state.kind === 'gone') this.#settle(state.id, false, new JobRemovedError(state.id, this.queueName));
        else if (state.kind === 'completed') this.#completed(state.id, state.returnvalue);
        else if (state.kind === 'failed') await this.#failed(state.id, state.failedReason, state.attemptsStarted);
      }
    } catch (error) {
      debug('state poll failed: %s', (error as Error)?.message);
    } finally {
      this.#polling = false;
    }
  }

  /**
   * The states of jobs `ids`, read in one MULTI (one round trip, one consistent view): each job's
   * hash fields and whether it is in the completed set. No hash: the job was removed.
   */
  async #states(ids: string[]): Promise<JobState[]> {
    const client = await this.#queue.backend.client;
    const multi = client.multi();
    for (const id of ids) {
      multi.runCommand('hmget', [this.#queue.toKey(id), 'timestamp', 'finishedOn', 'returnvalue', 'failedReason', 'attemptsStarted']);
      multi.runCommand('zscore', [this.#queue.keys.completed, id]);
    }
    const replies = (await multi.exec()) ?? [];
    return ids.map((id, i): JobState => {
      const [fieldsError, fields] = replies[2 * i] ?? [];
      const [scoreError, score] = replies[2 * i + 1] ?? [];
      if (fieldsError || scoreError) throw fieldsError ?? scoreError;
      const [timestamp, finishedOn, returnvalue, failedReason, attemptsStarted] = fields as (string | null)[];
      if (timestamp === null) return { id, kind: 'gone' };
      if (finishedOn === null) return { id, kind: 'pending' };
      if (score !== null) return { id, kind: 'completed', returnvalue: parseStored(returnvalue) };
      return { id, kind: 'failed', failedReason: failedReason ?? undefined, attemptsStarted: Number(attemptsStarted ?? 0) };
    });
  }
}

/** Most calls one state poll reads (in one round trip). */
const POLL_BATCH = 500;

/** What the state poll learnt of one job. */
type JobState =
  | { id: string; kind: 'gone' | 'pending' }
  | { id: string; kind: 'completed'; returnvalue: unknown }
  | { id: string; kind: 'failed'; failedReason: string | undefined; attemptsStarted: number };

/** BullMQ stores a job's return value as JSON; what is not JSON is taken as it is (decodePayload then refuses it). */
function parseStored(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A producer for `queue` (see RemotePoolOptions). Typed like a local pool when given the worker
 * module's type: `createRemotePool<typeof import('./worker.js')>({ queue, connection })`.
 */
export function createRemotePool<M = UntypedModule>(options: RemotePoolOptions): RemotePool<M> {
  return new RemotePool<M>(options);
}
