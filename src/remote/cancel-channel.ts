/**
 * Cancels of running jobs, from a producer to whichever consumer runs the job: a Redis pub/sub
 * channel per queue. Consumers hear only cancels (a QueueEvents would make each consumer read
 * every event of the queue: several per job, the bulk of a consumer's work on short jobs).
 * A cancel published while a consumer is cut off from Redis is not heard: its job then runs to
 * its end; its producer has already answered the call (TaskAbortedError or TimeoutError).
 */
import type { ConnectionOptions } from 'bullmq';
import createDebug from 'debug';
import { Redis, type RedisOptions } from 'ioredis';

const debug = createDebug('workforce:cancel');

/** The channel of `queue`'s cancels (under the BullMQ key prefix, so queues of several prefixes never mix). */
export function cancelChannel(prefix: string | undefined, queue: string): string {
  return `${prefix ?? 'bull'}:${queue}:workforce:cancel`;
}

/**
 * A connection of its own (a subscribed connection can do nothing else); a client given as the
 * connection is duplicated. `blocking` (the default): its commands wait for Redis however long it
 * is away (BullMQ's rule for blocking connections); else they fail after ioredis's retries.
 * `lazy`: it connects only once used.
 */
export function openRedis(connection: ConnectionOptions, { blocking = true, lazy = false } = {}): Redis {
  const given = connection as { duplicate?: (override?: RedisOptions) => unknown };
  const own: RedisOptions = { ...(blocking ? { maxRetriesPerRequest: null } : {}), ...(lazy ? { lazyConnect: true } : {}) };
  const redis = typeof given.duplicate === 'function' ? (given.duplicate(own) as Redis) : new Redis({ ...(connection as RedisOptions), ...own });
  redis.on('error', (error: Error) => debug('redis error: %s', error.message));
  return redis;
}

/**
 * Disconnects `redis` and resolves once its socket is closed (1 s at most: a connection that never
 * opened has none). One waiting to reconnect (its server gone) has no socket either: it is closed at once.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'reconnecting') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    redis.once('end', resolve);
    timer = setTimeout(resolve, 1000);
    timer.unref();
  });
  redis.disconnect();
  await ended;
  clearTimeout(timer);
}

/** A consumer's end: calls `onCancel(jobId)` for each cancel published on the queue's channel. */
export class CancelSubscriber {
  readonly #redis: Redis;
  /** Resolves once the subscription is active (a cancel published after it is heard). */
  readonly ready: Promise<void>;

  constructor(connection: ConnectionOptions, channel: string, onCancel: (jobId: string) => void) {
    this.#redis = openRedis(connection);
    this.#redis.on('message', (from: string, jobId: string) => {
      if (from === channel && jobId !== '') onCancel(jobId);
    });
    this.ready = this.#redis.subscribe(channel).then(() => undefined);
    this.ready.catch((error) => debug('subscribe failed: %s', error?.message));
  }

  /** Resolves once its connection is closed (no socket left open). */
  close(): Promise<void> {
    return closeRedis(this.#redis);
  }
}
