/** The engine's options: their names, their checks and defaults, and the unknown-name check every pool option object goes through. */
import { availableParallelism, totalmem } from 'node:os';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { nearest } from '../util/nearest.js';
import { count, delay, flag, limit, timerDelay } from '../util/validate.js';
import { foreignHint, foreignName } from './foreign-names.js';
import type { TaskOptions } from './task.js';

/** Options of the scheduling engine, shared by `WorkPool` and `createPool`. */
export interface EngineOptions {
  /**
   * Workers kept alive even when idle; 0: workers start on demand. Default 1 (`createPool`: its
   * `numberOfWorkers` when given). Resolved on its own: giving it does not change maxWorkers.
   */
  minWorkers?: number;
  /**
   * Upper bound on live workers; the pool grows to it under queued load. Default: the CPU count
   * (`createPool`: its `numberOfWorkers` when given), or minWorkers when that is larger. At most MAX_WORKERS.
   */
  maxWorkers?: number;
  /** Calls one worker runs at once. Default 1. */
  concurrency?: number;
  /** Queued + running calls; beyond it a call rejects with QueueFullError. Default Infinity. */
  maxConcurrentCalls?: number;
  /** Extra attempts for a task whose worker crashed (or that timed out, with retryOnTimeout). Default 3. */
  maxRetries?: number;
  /** Also retry tasks that threw an ordinary error (they are deterministic by default, so not retried). */
  retryOnError?: boolean;
  /**
   * Also retry tasks that ran past `timeout` (a slow input is slow again, so not by default: a
   * timed-out call rejects with TimeoutError). Worst case with it:
   * (1 + maxRetries) × (timeout + cancelGracePeriod).
   */
  retryOnTimeout?: boolean;
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
   * Most calls sent ahead to a pipelined worker (thread, process) beyond `concurrency`, so that
   * short calls do not each wait a round trip. Used only while the pool's calls are short (< 1 ms
   * on average) and no `timeout` is set, and then no more than fit in about 2 ms per slot at the
   * mean call time (at least 8; a call that turns out long holds up little sent ahead behind it);
   * 0 disables it. Default 1024.
   */
  prefetch?: number;
  /**
   * ms a worker's init() gets to settle, from the moment the pool calls it; for `createPool`,
   * init() settles once the worker has loaded its module, run onWorkerStart and come online. Later
   * is a StartTimeoutError (the worker is ended; counted in maxStartFailures). Infinity: no limit.
   * Default 30000.
   */
  startTimeout?: number;
}

export type ResolvedEngineOptions = Required<EngineOptions>;

/** Every engine option name (checked against EngineOptions by the compiler). */
export const ENGINE_OPTION_NAMES: readonly (keyof EngineOptions)[] = Object.keys({
  minWorkers: true,
  maxWorkers: true,
  concurrency: true,
  maxConcurrentCalls: true,
  maxRetries: true,
  retryOnError: true,
  retryOnTimeout: true,
  timeout: true,
  ttl: true,
  maxIdleTime: true,
  cancelGracePeriod: true,
  strongAffinityThreshold: true,
  maxStartFailures: true,
  prefetch: true,
  startTimeout: true,
} satisfies Record<keyof EngineOptions, true>) as (keyof EngineOptions)[];

/** Bytes one worker costs at the least (an idle thread worker's RSS is about 7 MB). */
const WORKER_COST = 8 * 2 ** 20;

/**
 * The most workers a pool may have: as many as this machine's memory could hold at 8 MiB each
 * (`os.totalmem() / 8 MiB`, at least the CPU count). A larger count could never run: it would
 * only exhaust the heap while spawning.
 */
export const MAX_WORKERS = Math.max(availableParallelism(), Math.floor(totalmem() / WORKER_COST));

/** A worker count: a whole number from `min` to MAX_WORKERS. */
export function workerCount(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_WORKERS) {
    throw new InvalidOptionError(name, value, `an integer from ${min} to ${MAX_WORKERS} (one worker per 8 MiB of this machine's memory)`);
  }
  return value;
}

/**
 * The first own key of `options` that is not in `known`, as an InvalidOptionError naming it and
 * the valid name it stands for (another library's name for it, ./foreign-names.ts, else the
 * nearest spelling); `where` names the options in the message ('createPool', 'a task').
 */
export function unknownOption(options: object, known: readonly string[], where: string): InvalidOptionError | undefined {
  for (const key in options) {
    if (Object.hasOwn(options, key) && !known.includes(key)) {
      const value = (options as Record<string, unknown>)[key];
      // another library's name for one of ours says which (a near spelling could be another option)
      const foreign = foreignName(key, known);
      if (foreign) return InvalidOptionError.unknown(key, value, where, foreign.option, foreignHint(key, foreign));
      return InvalidOptionError.unknown(key, value, where, nearest(key, known));
    }
  }
  return undefined;
}

/** Throws unknownOption()'s error, if any. */
export function checkOptionNames(options: object, known: readonly string[], where: string): void {
  const error = unknownOption(options, known, where);
  if (error) throw error;
}

/**
 * minWorkers and maxWorkers, each resolved on its own: minWorkers, else `size` (createPool's
 * numberOfWorkers), else 1; maxWorkers, else `size`, else the CPU count (or minWorkers when that
 * is larger). A minimum above the maximum is an error naming both options as they were given.
 */
export function resolveWorkerCounts(o: EngineOptions, size?: number): { minWorkers: number; maxWorkers: number } {
  const min = o.minWorkers === undefined ? undefined : workerCount('minWorkers', o.minWorkers, 0);
  const max = o.maxWorkers === undefined ? undefined : workerCount('maxWorkers', o.maxWorkers, 1);
  const minWorkers = min ?? size ?? 1;
  const maxWorkers = max ?? size ?? Math.max(availableParallelism(), minWorkers);
  if (minWorkers > maxWorkers) {
    const minName = min === undefined ? 'numberOfWorkers' : 'minWorkers';
    const maxName = max === undefined ? 'numberOfWorkers' : 'maxWorkers';
    throw new InvalidOptionError(minName, minWorkers, `at most ${maxName} (${maxWorkers})`, {
      message: `Invalid options: ${minName} (${minWorkers}) is larger than ${maxName} (${maxWorkers}); the minimum pool size must not exceed the maximum`,
    });
  }
  return { minWorkers, maxWorkers };
}

/** Validated options with their defaults (worker counts: resolveWorkerCounts). */
export function resolveEngineOptions(o: EngineOptions): ResolvedEngineOptions {
  const { minWorkers, maxWorkers } = resolveWorkerCounts(o);
  return {
    minWorkers,
    maxWorkers,
    concurrency: count('concurrency', o.concurrency ?? 1, 1),
    maxConcurrentCalls: limit('maxConcurrentCalls', o.maxConcurrentCalls ?? Number.POSITIVE_INFINITY, 1),
    maxRetries: count('maxRetries', o.maxRetries ?? 3, 0),
    retryOnError: flag('retryOnError', o.retryOnError ?? false),
    retryOnTimeout: flag('retryOnTimeout', o.retryOnTimeout ?? false),
    timeout: delay('timeout', o.timeout ?? Number.POSITIVE_INFINITY, 1),
    ttl: limit('ttl', o.ttl ?? Number.POSITIVE_INFINITY, 1),
    maxIdleTime: delay('maxIdleTime', o.maxIdleTime ?? Number.POSITIVE_INFINITY, 0),
    cancelGracePeriod: timerDelay('cancelGracePeriod', o.cancelGracePeriod ?? 1000, 0),
    strongAffinityThreshold: count('strongAffinityThreshold', o.strongAffinityThreshold ?? 4, 0),
    maxStartFailures: count('maxStartFailures', o.maxStartFailures ?? 5, 1),
    prefetch: count('prefetch', o.prefetch ?? 1024, 0),
    startTimeout: delay('startTimeout', o.startTimeout ?? 30_000, 1),
  };
}

/** Every task option name (checked against TaskOptions by the compiler). */
export const TASK_OPTION_NAMES: readonly (keyof TaskOptions)[] = Object.keys({
  affinity: true,
  affinityStrength: true,
  signal: true,
  transfer: true,
  timeout: true,
} satisfies Record<keyof TaskOptions, true>) as (keyof TaskOptions)[];
