/** Workestrator's entry points (create, kill, serializers) and option names, over createPool. */
import { availableParallelism } from 'node:os';
import { createPool, type ModulePool, type PoolOptions } from '../pool/module-pool.js';
import { killAll } from '../pool/registry.js';
import type { SerializerSpec } from '../serializer/resolve.js';

/** createPool's options plus Workestrator's names for two of them. */
export interface WorkestratorOptions extends PoolOptions {
  /** Workestrator's name of `concurrency`. */
  maxConcurrentCallsPerWorker?: number;
  /** Workestrator's name of `serializer`. */
  serializerPath?: SerializerSpec;
}

/** The same options under createPool's names (a canonical name given too wins). Anything but an object is left for createPool to refuse. */
export function fromWorkestratorOptions(options: WorkestratorOptions): PoolOptions {
  if (options === null || typeof options !== 'object') return options;
  const { maxConcurrentCallsPerWorker, serializerPath, ...rest } = options;
  const translated: PoolOptions = { ...rest };
  if (maxConcurrentCallsPerWorker !== undefined && rest.concurrency === undefined) translated.concurrency = maxConcurrentCallsPerWorker;
  if (serializerPath !== undefined && rest.serializer === undefined) translated.serializer = serializerPath;
  return translated;
}

/**
 * Workestrator's entry point: a process farm with Workestrator's defaults
 * (maxConcurrentCallsPerWorker 10, maxRetries 3, killTimeout 500, one worker per CPU, JSON).
 * Same engine as createPool; any PoolOptions (or Workestrator's names) may override.
 */
export function create(options: WorkestratorOptions): ModulePool {
  const given = fromWorkestratorOptions(options);
  if (given === null || typeof given !== 'object') return createPool(given);
  return createPool({
    runtime: 'process',
    numberOfWorkers: availableParallelism(),
    concurrency: 10,
    maxRetries: 3,
    killTimeout: 500,
    serializer: 'json',
    ...given,
  });
}

/** Workestrator's serializer names, usable as `serializerPath`. */
export const serializers = { JSON: 'json', CBOR: 'cbor' } as const;

/** Workestrator's `kill()`: ends every farm this process created. */
export const kill = killAll;
