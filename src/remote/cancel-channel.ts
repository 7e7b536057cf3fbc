/**
 * Cancels of running jobs, from a producer to whichever consumer runs the job: a Redis pub/sub
 * channel per queue. Consumers hear only cancels (a QueueEvents would make each consumer read
 * every event of the queue: several per job, the bulk of a consumer's work on short jobs).
 * A cancel published while a consumer is cut off from Redis is not heard: its job then runs to
 * its end; its producer has already answered the call (TaskAbortedError or TimeoutError).
 */
import type { ConnectionOptions } from 'bullmq';
import createDebug from 'debug';
import type { Redis } from 'ioredis';
import { closeRedis, openRedis } from './clients.js';

const debug = createDebug('workforce:cancel');

/** The channel of `queue`'s cancels (under the BullMQ key prefix, so queues of several prefixes never mix). */
export function cancelChannel(prefix: string | undefined, queue: string): string {
  return `${prefix ?? 'bull'}:${queue}:workforce:cancel`;
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
