import { availableParallelism } from 'node:os';
import { createPool, type ModulePool, type PoolOptions } from '../pool/module-pool.js';
import { killAll } from '../pool/registry.js';

/**
 * Workestrator's entry point: a process farm with Workestrator's defaults
 * (maxConcurrentCallsPerWorker 10, maxRetries 3, killTimeout 500, one worker per CPU, JSON).
 * Same engine as createPool; any PoolOptions may override.
 */
export function create(options: PoolOptions): ModulePool {
  return createPool({
    runtime: 'process',
    numberOfWorkers: availableParallelism(),
    maxConcurrentCallsPerWorker: 10,
    maxRetries: 3,
    killTimeout: 500,
    serializer: 'json',
    ...options,
  });
}

/** Workestrator's serializer names, usable as `serializerPath`. */
export const serializers = { JSON: 'json', CBOR: 'cbor' } as const;

/** Workestrator's `kill()`: ends every farm this process created. */
export const kill = killAll;
