/** travetto's WorkPool option names (max, min, idleTimeout), translated to the engine's. */
import type { WorkPoolOptions as EngineWorkPoolOptions } from '../pool/work-pool.js';

export interface WorkPoolOptions extends EngineWorkPoolOptions {
  /** travetto's name of maxWorkers. */
  max?: number;
  /** travetto's name of minWorkers (default 1: the pool grows under load). */
  min?: number;
  /** travetto's name of maxIdleTime. */
  idleTimeout?: number;
}

/** The same options under the engine's names (a canonical name given too wins). Anything but an object is left for the engine to refuse. */
export function fromTravettoOptions(options: WorkPoolOptions): EngineWorkPoolOptions {
  if (options === null || typeof options !== 'object') return options;
  const { max, min, idleTimeout, ...rest } = options;
  const translated: EngineWorkPoolOptions = { ...rest };
  if (max !== undefined && rest.maxWorkers === undefined) translated.maxWorkers = max;
  if (min !== undefined && rest.minWorkers === undefined) translated.minWorkers = min;
  if (idleTimeout !== undefined && rest.maxIdleTime === undefined) translated.maxIdleTime = idleTimeout;
  return translated;
}
