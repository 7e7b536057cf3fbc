import { availableParallelism } from 'node:os';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { count, delay, flag, limit, timerDelay } from '../util/validate.js';

/** Options of the scheduling engine, shared by `WorkPool` and `createPool`. */
export interface EngineOptions {
  /** Workers kept alive even when idle. Default: maxWorkers (a fixed-size pool). */
  minWorkers?: number;
  /** Upper bound on live workers; the pool grows under queued load. Default: CPU count. */
  maxWorkers?: number;
  /** Calls one worker runs at once (maxConcurrentCallsPerWorker). Default 1. */
  concurrency?: number;
  /** Queued + running calls; beyond it a call rejects with QueueFullError. Default Infinity. */
  maxConcurrentCalls?: number;
  /** Extra attempts for a task whose worker crashed or timed out. Default 3. */
  maxRetries?: number;
  /** Also retry tasks that threw an ordinary error (they are deterministic by default, so not retried). */
  retryOnError?: boolean;
  /** ms a call may run before TimeoutError. Default Infinity. */
  timeout?: number;
  /** Calls a worker runs before it is recycled. Default Infinity. */
  ttl?: number;
  /** ms an idle worker lives before it is ended (and replaced down to minWorkers). Default Infinity. */
  maxIdleTime?: number;
  /** ms a worker whose task was aborted or timed out gets to stop by itself before it is terminated. Default 1000. */
  cancelGracePeriod?: number;
  /** A 'strong' affinity task moves only when its worker's queue is longer than the thief's by more than this. Default 4. */
  strongAffinityThreshold?: number;
  /** Consecutive workers that fail to start before the pool gives up. Default 5. */
  maxStartFailures?: number;
  /**
   * Calls sent ahead to a pipelined worker (thread, process) beyond `concurrency`, so that short
   * calls do not each wait a round trip. Used only while the worker's calls are short (< 1 ms)
   * and no `timeout` is set; 0 disables it. Default 64.
   */
  prefetch?: number;
  /** ms a worker's init() may take before the start fails (counted in maxStartFailures). Default 30000. */
  startTimeout?: number;
}

export type ResolvedEngineOptions = Required<EngineOptions>;

/**
 * Validated options with their defaults. Without `maxWorkers`: `minWorkers`, else the CPU count.
 * Without `minWorkers`: `defaultMinWorkers` if given (a pool that grows under load), else
 * `maxWorkers` (a fixed-size pool).
 */
export function resolveEngineOptions(o: EngineOptions, defaultMinWorkers?: number): ResolvedEngineOptions {
  const maxWorkers = count('maxWorkers', o.maxWorkers ?? o.minWorkers ?? availableParallelism(), 1);
  const minWorkers = count('minWorkers', o.minWorkers ?? defaultMinWorkers ?? maxWorkers, 0);
  if (minWorkers > maxWorkers) throw new InvalidOptionError('minWorkers', minWorkers, `at most maxWorkers (${maxWorkers})`);
  return {
    minWorkers,
    maxWorkers,
    concurrency: count('concurrency', o.concurrency ?? 1, 1),
    maxConcurrentCalls: limit('maxConcurrentCalls', o.maxConcurrentCalls ?? Number.POSITIVE_INFINITY, 1),
    maxRetries: count('maxRetries', o.maxRetries ?? 3, 0),
    retryOnError: flag('retryOnError', o.retryOnError ?? false),
    timeout: delay('timeout', o.timeout ?? Number.POSITIVE_INFINITY, 1),
    ttl: limit('ttl', o.ttl ?? Number.POSITIVE_INFINITY, 1),
    maxIdleTime: delay('maxIdleTime', o.maxIdleTime ?? Number.POSITIVE_INFINITY, 0),
    cancelGracePeriod: timerDelay('cancelGracePeriod', o.cancelGracePeriod ?? 1000, 0),
    strongAffinityThreshold: count('strongAffinityThreshold', o.strongAffinityThreshold ?? 4, 0),
    maxStartFailures: count('maxStartFailures', o.maxStartFailures ?? 5, 1),
    prefetch: count('prefetch', o.prefetch ?? 64, 0),
    startTimeout: delay('startTimeout', o.startTimeout ?? 30_000, 1),
  };
}
