/** Workestrator's entry points: create() (its checks, its defaults, its Farm), kill() and serializers. */
import { killAll } from '../pool/registry.js';
import { Farm, killFarms } from './farm.js';
import { validateWorkestratorOptions, type WorkestratorOptions } from './workestrator-options.js';

export type { WorkestratorOptions } from './workestrator-options.js';

/**
 * Workestrator's create(): refuses what Workestrator refused, with an AssertionError, at once;
 * then a process farm with Workestrator's defaults (maxConcurrentCallsPerWorker 10, maxRetries 3
 * with every failure retried, killTimeout 500, one worker per CPU, JSON). Any createPool option
 * (or Workestrator's names) may override; `retryOnError: false` keeps workforce's rule that a
 * thrown error is not retried.
 */
export function create(options: WorkestratorOptions): Farm {
  validateWorkestratorOptions(options);
  return new Farm(options);
}

/** Workestrator's serializer names, usable as `serializerPath`. */
export const serializers = { JSON: 'json', CBOR: 'cbor' } as const;

/** Workestrator's `kill()`: kills every farm (and every other pool) this process created; resolves once all have ended. */
export async function kill(): Promise<void> {
  await Promise.all([...killFarms(), killAll()]);
}
