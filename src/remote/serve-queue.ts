/**
 * The consumer: one BullMQ Worker in front of one local workforce pool. It takes only as many
 * jobs as the pool runs at once, runs each as a pool call (so the pool's retries, timeouts, crash
 * detail and recycling apply), and writes back the result or the error, typed.
 */
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import createDebug from 'debug';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { ModuleLoadError } from '../errors/module-load-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import { TaskAbortedError } from '../errors/task-aborted-error.js';
import { createPool, ModulePool, type PoolOptions } from '../pool/module-pool.js';
import { loadSerializer } from '../serializer/resolve.js';
import type { Serializer } from '../serializer/serializer.js';
import { count, timerDelay } from '../util/validate.js';
import { within } from '../util/within.js';
import { CancelSubscriber, cancelChannel } from './cancel-channel.js';
import { OwnClients } from './clients.js';
import { CLOSE_GRACE_MS, connectionOptions, FORCED_CLOSE_MS, type RedisConnection, redisAddress } from './connection.js';
import { readCall } from './job-data.js';
import { decodePayload, encodePayload, plainJsonFor, type RemoteSerializerSpec, serializerLoader } from './payload.js';
import { failureText, raisedByWorkforce, toWire } from './wire-error.js';

const debug = createDebug('workforce:consumer');

/** serveQueue's options: the queue to consume, the Redis connection, and the module pool that runs each job. */
export interface ServeQueueOptions {
  /** Name of the BullMQ queue to serve. */
  queue: string;
  /** Redis: a redis:// URL or ioredis options such as `{ host, port }`. */
  connection: RedisConnection;
  /** Options of the local pool (createPool), or a pool to use (it is not closed by close()). */
  pool: PoolOptions | ModulePool;
  /** Named export called for jobs that name none (default: the module's default export). */
  method?: string;
  /** Serializer for jobs whose producer used a custom one (built-in ones are named by each job). */
  serializer?: RemoteSerializerSpec;
  /** ms a job's lock lasts; it is renewed while the job runs. Default 30000 (BullMQ's). */
  lockDuration?: number;
  /** ms between checks for jobs whose consumer stopped renewing their lock. Default 30000 (BullMQ's). */
  stalledInterval?: number;
  /** Times a job may lose its consumer before it fails with CallMaxRetryError (consumer lost). Default 1 (BullMQ's). */
  maxStalledCount?: number;
  /** BullMQ key prefix. Default 'bull'. */
  prefix?: string;
}

/** Options of a queue server's `close()`. */
export interface QueueServerCloseOptions {
  /** ms running jobs get to finish; then they are handed back to the queue for another consumer. Default Infinity. */
  drainTimeout?: number;
}

/** How a queue server's `close()` went. */
export interface QueueServerCloseResult {
  /**
   * True when Redis did not answer while closing — a job's hand-back got no answer, or the
   * connections had to be closed by force: the results of jobs that finished during the drain, and
   * hand-backs, may not have been recorded (those jobs return to the queue once their locks
   * expire, and run again elsewhere).
   */
  forced: boolean;
}

/** Why a running job stopped before its result: each leaves the job to someone else, or fails it without retry. */
type Stop = 'cancelled' | 'lost' | 'handed-back';

interface Running {
  readonly job: Job;
  readonly token: string;
  /** Aborting it cancels the job's pool call (its task's signal fires in the worker). */
  readonly local: AbortController;
  stop: Stop | undefined;
  /** #process is over: its controller may already serve another job, so it must not be aborted. */
  done: boolean;
}

/** How long a cancel for a job this consumer does not run is remembered (it may start here soon). */
const CANCEL_MEMORY_MS = 10 * 60_000;

/** One consumer (see serveQueue); `broken` resolves with the ModuleLoadError if its module cannot load. */
export class QueueServer {
  readonly queueName: string;
  readonly pool: ModulePool;
  /** Jobs this consumer runs at once: the local pool's capacity. */
  readonly concurrency: number;
  readonly #ownsPool: boolean;
  /** `host:port` of its Redis, for messages. */
  readonly redisAddress: string;
  readonly #worker: Worker;
  readonly #cancels: CancelSubscriber;
  /** A hand-back Redis did not answer (or refused): close() reports `forced`. */
  #unanswered = false;
  /** The Redis clients of #worker (see ./clients.ts). */
  readonly #clients: OwnClients;
  readonly #serializers = new Map<string, Promise<Serializer>>();
  /** Serializers already loaded, by name: a job needs no await for them. */
  readonly #loaded = new Map<string, Serializer>();
  /**
   * AbortControllers of finished jobs that were never aborted, for the next jobs (a job's pool
   * call listens to its signal only until it settles): no controller, signal or listener is made
   * per job. At most `concurrency` kept.
   */
  readonly #spare: AbortController[] = [];
  readonly #running = new Map<string, Running>();
  /** Cancels for jobs not (yet) running here, with when they arrived. */
  readonly #cancelled = new Map<string, number>();
  readonly #method: string | undefined;
  #closing: Promise<QueueServerCloseResult> | undefined;
  /** When close()'s drain ends (running jobs are handed back then), and its timer. */
  #drainUntil = Number.POSITIVE_INFINITY;
  #drainTimer: NodeJS.Timeout | undefined;
  #drained = false;
  /** Resolved (and emptied) each time the last running job leaves #running. */
  #onIdle: (() => void)[] = [];
  #stopWatching: (() => void) | undefined;
  #brokenWith: ModuleLoadError | undefined;
  #onBroken!: (error: ModuleLoadError) => void;
  /** Resolves (never rejects) with the ModuleLoadError once the pool cannot load its module: the consumer then stops. */
  readonly broken: Promise<ModuleLoadError>;

  /** Use serveQueue(), which also waits for the pool to be warm. */
  constructor(options: ServeQueueOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', options, 'an object with queue, connection and pool');
    if (typeof options.queue !== 'string' || options.queue === '') throw new InvalidOptionError('queue', options.queue, 'a queue name');
    this.queueName = options.queue;
    const connection = connectionOptions(options.connection);
    this.redisAddress = redisAddress(connection);
    if (options.method !== undefined && (typeof options.method !== 'string' || options.method === '')) {
      throw new InvalidOptionError('method', options.method, 'the name of an exported function');
    }
    this.#method = options.method;
    const custom = options.serializer === undefined ? undefined : serializerLoader(options.serializer);
    if (custom) this.#serializers.set('custom', custom.load());
    const lockDuration = timerDelay('lockDuration', options.lockDuration ?? 30_000, 100);
    const stalledInterval = timerDelay('stalledInterval', options.stalledInterval ?? 30_000, 100);
    const maxStalledCount = count('maxStalledCount', options.maxStalledCount ?? 1, 0);
    if (options.prefix !== undefined && (typeof options.prefix !== 'string' || options.prefix === ''))
      throw new InvalidOptionError('prefix', options.prefix, 'a key prefix');
    const prefix = options.prefix ? { prefix: options.prefix } : {};
    if (options.pool instanceof ModulePool) {
      this.pool = options.pool;
      this.#ownsPool = false;
    } else if (typeof options.pool === 'object' && options.pool !== null) {
      this.pool = createPool(options.pool);
      this.#ownsPool = true;
    } else {
      throw new InvalidOptionError('pool', options.pool, 'createPool options or a pool');
    }
    this.concurrency = Math.max(1, Math.min(this.pool.capacity, 1_000_000));
    this.broken = new Promise((resolve) => (this.#onBroken = resolve));
    // A job is taken only when the pool has a free slot for it: a held job's lock keeps other machines from it.
    // The processor takes no third parameter, so BullMQ makes no AbortController per job (its
    // signal fires only on worker.cancelJob, which this class never calls: it aborts its own).
    // the Worker's connections are copies of a template client: ./clients.ts owns them all, so a
    // forced close ends them even when BullMQ's own disconnect would wait for ever
    this.#clients = new OwnClients(connection);
    this.#worker = new Worker(this.queueName, (job, token) => this.#process(job, token), {
      connection: this.#clients.open({ blocking: true, lazy: true }),
      ...prefix,
      autorun: false,
      concurrency: this.concurrency,
      lockDuration,
      lockRenewTime: lockDuration / 2,
      stalledInterval,
      maxStalledCount,
    });
    this.#worker.on('error', (error) => debug('worker error: %s', error.message));
    this.#worker.on('lockRenewalFailed', (ids) => this.#lost(ids));
    this.#cancels = new CancelSubscriber(connection, cancelChannel(options.prefix, this.queueName), (jobId) => this.#cancel(jobId));
  }

  /** Waits until every worker of the pool is online (or its module failed), then starts taking jobs. */
  async start(): Promise<void> {
    await Promise.all([Promise.race([this.#warm(), this.broken]), this.#preload()]);
    this.#watchFailure();
    await this.#cancels.ready;
    if (this.#brokenWith || this.#closing) return;
    void this.#worker.run().catch((error) => debug('worker stopped: %s', error?.message));
    await this.#worker.waitUntilReady();
  }

  /**
   * Loads the built-in serializers (and a custom one) now, so that no job waits for a module
   * load. Never rejects: a serializer that cannot load fails the jobs that need it.
   */
  async #preload(): Promise<void> {
    const names = ['cbor', 'json', ...(this.#serializers.has('custom') ? ['custom'] : [])];
    await Promise.all(names.map((name) => this.#serializer(name).catch((error) => debug('serializer %s: %s', name, (error as Error)?.message))));
  }

  /** Jobs running here now. */
  get active(): number {
    return this.#running.size;
  }

  /**
   * Stops taking jobs and lets running ones finish; past `drainTimeout` hands them back to the
   * queue (another consumer runs them; their local tasks are aborted). Then closes the pool (if
   * serveQueue made it) and every Redis connection. A Redis that does not answer does not hold
   * it: once no job runs here it gets 2 s, then its connections are closed by force (`forced`).
   */
  close(options: QueueServerCloseOptions | null = {}): Promise<QueueServerCloseResult> {
    const drainTimeout = timerDelay('drainTimeout', options?.drainTimeout ?? Number.POSITIVE_INFINITY, 0);
    // a second close() with an earlier deadline (a second SIGTERM) brings the hand-back forward
    const until = Date.now() + drainTimeout;
    if (!this.#drained && until < this.#drainUntil) {
      this.#drainUntil = until;
      clearTimeout(this.#drainTimer);
      this.#drainTimer = setTimeout(() => void this.#handBackAll(), drainTimeout);
    }
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<QueueServerCloseResult> {
    debug('closing (%d running)', this.#running.size);
    this.#stopWatching?.();
    let workerClosed = false;
    const closed = this.#worker
      .close()
      .catch((error) => debug('worker close: %s', error?.message))
      .then(() => {
        workerClosed = true;
      });
    // the drain: until no job runs here (each finished, or was handed back at the deadline)
    await Promise.race([closed, this.#idle()]);
    this.#drained = true;
    clearTimeout(this.#drainTimer);
    // what is left is Redis's: the last results and hand-backs, then closing the connections
    let forced = this.#unanswered;
    if (!workerClosed && !(await within(closed, CLOSE_GRACE_MS))) {
      forced = true;
      debug('Redis does not answer: closing its connections by force');
      // (a connection that was waiting to reconnect closes without an event: no long wait for one)
      this.#clients.disconnect();
      await within(this.#worker.disconnect(), FORCED_CLOSE_MS);
      // the worker's close is stuck on Redis, so it would never stop renewing locks: a timer that
      // re-arms for ever (its fetch loop ends by itself, at its next wait's deadline)
      await within(Promise.resolve((this.#worker as unknown as { lockManager?: { close?: () => unknown } }).lockManager?.close?.()), FORCED_CLOSE_MS);
      await within(closed, FORCED_CLOSE_MS);
    }
    await Promise.all([this.#cancels.close(), this.#clients.close()]);
    if (this.#ownsPool) await this.pool.close();
    return { forced };
  }

  /** Resolves once no job runs here. */
  #idle(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#onIdle.push(resolve));
  }

  /** Resolves once the pool's workers are all online; a module that cannot load marks the consumer broken. */
  #warm(): Promise<void> {
    const pool = this.pool;
    return new Promise<void>((resolve) => {
      const check = () => {
        if (pool.failure) return this.#broke(asLoadError(pool.failure));
        const workers = pool.stats.perWorker;
        if (workers.length > 0 && workers.every((w) => w.state === 'ready')) {
          pool.off('online', check);
          pool.off('error', failed);
          resolve();
        }
      };
      // the pool sets its failure just after reporting the error that caused it
      const failed = (_worker: unknown, error: unknown) => {
        if (error instanceof ModuleLoadError && error.phase === 'module') return this.#broke(error);
        setImmediate(check);
      };
      pool.on('online', check);
      pool.on('error', failed);
      void this.broken.then(() => {
        pool.off('online', check);
        pool.off('error', failed);
      });
      check();
    });
  }

  /** Later, the pool may give up starting workers (its module broke): the consumer stops then, even when idle. */
  #watchFailure(): void {
    const pool = this.pool;
    const failed = () =>
      setImmediate(() => {
        if (pool.failure) this.#broke(asLoadError(pool.failure));
      });
    pool.on('error', failed);
    const stop = () => pool.off('error', failed);
    void this.broken.then(stop);
    this.#stopWatching = stop;
  }

  /** The module cannot load: hand every job back, stop taking jobs. Fails no job. */
  #broke(error: ModuleLoadError): void {
    if (this.#brokenWith) return;
    this.#brokenWith = error;
    debug('module cannot load: %s', error.message);
    this.#onBroken(error);
    void this.#handBackAll();
    void this.#worker.close().catch(() => {});
  }

  async #process(job: Job, token: string | undefined): Promise<unknown> {
    const running: Running = { job, token: token ?? '', local: this.#spare.pop() ?? new AbortController(), stop: undefined, done: false };
    const id = job.id ?? '';
    this.#running.set(id, running);
    try {
      if (this.#brokenWith || this.#closing) {
        // taken while stopping: give it straight back
        await this.#handBack(running);
        throw new WaitingError();
      }
      if (this.#cancelled.size > 0 && this.#cancelled.delete(id)) {
        running.stop = 'cancelled';
        throw new UnrecoverableError(failureText(toWire(new TaskAbortedError('cancelled by its producer'))));
      }
      let call: ReturnType<typeof readCall>;
      let args: unknown[];
      let serializer: Serializer;
      try {
        call = readCall(job.data);
        serializer = this.#loaded.get(call.c) ?? (await this.#serializer(call.c));
        const decoded = decodePayload(serializer, call.a, 'argument list');
        if (!Array.isArray(decoded)) throw new SerializationError('The argument list is not an array');
        args = decoded;
      } catch (error) {
        throw new UnrecoverableError(failureText(toWire(error)));
      }
      const options = { method: call.m ?? this.#method, signal: running.local.signal };
      let value: unknown;
      try {
        value = await (call.s === 1 ? this.pool.addTask(args[0], options) : this.pool.runWith(options, ...args));
      } catch (error) {
        if (running.stop === 'lost' || running.stop === 'handed-back') throw new WaitingError(); // someone else records its result
        // its producer gave up on it (abort or timeout) and has answered its caller: fail it, no retry
        if (running.stop === 'cancelled') throw new UnrecoverableError(failureText(toWire(new TaskAbortedError('cancelled by its producer'))));
        if (error instanceof ModuleLoadError && raisedByWorkforce(error)) {
          this.#broke(error);
          await this.#handBack(running);
          throw new WaitingError();
        }
        const failure = new Error(failureText(toWire(error)));
        failure.stack = (error as Error)?.stack ?? failure.stack;
        throw failure;
      }
      if (running.stop === 'lost' || running.stop === 'handed-back') throw new WaitingError(); // its lock is gone: record nothing
      try {
        return encodePayload(serializer, value, call.l, 'result', plainJsonFor(call.c));
      } catch (error) {
        throw new UnrecoverableError(failureText(toWire(error)));
      }
    } finally {
      running.done = true;
      this.#running.delete(id);
      if (this.#running.size === 0 && this.#onIdle.length > 0) for (const resolve of this.#onIdle.splice(0)) resolve();
      // the pool call has settled (or never started): nothing listens to the signal any more
      if (!running.local.signal.aborted && this.#spare.length < this.concurrency) this.#spare.push(running.local);
    }
  }

  /** Aborts a running job's pool call (its task's signal fires), unless its #process is already over. */
  #abort(running: Running, reason: Error): void {
    if (!running.done) running.local.abort(reason);
  }

  #serializer(name: string): Promise<Serializer> {
    let serializer = this.#serializers.get(name);
    if (!serializer) {
      if (name !== 'json' && name !== 'cbor')
        return Promise.reject(new SerializationError(`The job uses a custom serializer: start the consumer with the same \`serializer\``));
      serializer = loadSerializer(name);
      this.#serializers.set(name, serializer);
    }
    return serializer.then((loaded) => {
      this.#loaded.set(name, loaded);
      return loaded;
    });
  }

  /** A producer gave up on a job (abort or timeout): abort its task if it runs here, else remember it for a while. */
  #cancel(jobId: string): void {
    const running = this.#running.get(jobId);
    if (running) {
      if (running.stop) return;
      running.stop = 'cancelled';
      debug('job %s cancelled by its producer', jobId);
      this.#abort(running, new TaskAbortedError('cancelled by its producer'));
      return;
    }
    const now = Date.now();
    for (const [id, at] of this.#cancelled) {
      if (at > now - CANCEL_MEMORY_MS) break;
      this.#cancelled.delete(id);
    }
    this.#cancelled.set(jobId, now);
  }

  /** BullMQ could not renew these jobs' locks (this consumer was paused or cut off): another consumer may run them now. */
  #lost(ids: string[]): void {
    for (const id of ids) {
      const running = this.#running.get(id);
      if (!running || running.stop) continue;
      debug('job %s lost its lock: aborting its task', id);
      running.stop = 'lost';
      this.#abort(running, new TaskAbortedError('the job lost its lock'));
    }
  }

  async #handBackAll(): Promise<void> {
    await Promise.allSettled([...this.#running.values()].map((running) => this.#handBack(running)));
  }

  /** Puts a job back in the queue (its lock released) and aborts its local task: another consumer runs it. */
  async #handBack(running: Running): Promise<void> {
    if (running.stop === 'handed-back' || running.stop === 'lost') return;
    running.stop = 'handed-back';
    const moved = running.job.moveToWait(running.token).then(
      () => debug('job %s handed back', running.job.id),
      (error) => {
        debug('job %s could not be handed back (its lock expires instead): %s', running.job.id, (error as Error)?.message);
        this.#unanswered = true;
      },
    );
    // a Redis that does not answer does not keep the task running: its lock expires instead
    if (!(await within(moved, CLOSE_GRACE_MS))) {
      debug('job %s: no answer from Redis to its hand-back', running.job.id);
      this.#unanswered = true;
    }
    this.#abort(running, new TaskAbortedError('the consumer is stopping; the job was handed back'));
  }
}

function asLoadError(error: Error): ModuleLoadError {
  return error instanceof ModuleLoadError ? error : new ModuleLoadError(error.message, undefined, { cause: error, phase: 'pool' });
}

/**
 * Serves `queue` from this machine: makes (or takes) the local pool, waits until it is warm and
 * starts taking jobs. If the module cannot load, the returned server takes no job and its
 * `broken` promise holds the ModuleLoadError.
 */
export async function serveQueue(options: ServeQueueOptions): Promise<QueueServer> {
  const server = new QueueServer(options);
  try {
    await server.start();
  } catch (error) {
    await server.close({ drainTimeout: 0 }).catch(() => {});
    throw error;
  }
  return server;
}
