import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { flag, strings } from '../util/validate.js';

/** The pool options handed as they are to worker_threads and child_process. */
export interface WorkerOptions {
  execArgv?: unknown;
  env?: unknown;
  resourceLimits?: unknown;
  fork?: unknown;
}

const RESOURCE_LIMITS = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;

/**
 * Checks the options worker_threads and child_process would otherwise get wrong in every worker
 * (or take silently): each failure is an InvalidOptionError naming the option's path (`fork.args`).
 * Unknown names are left alone (compat layers pass their own).
 */
export function checkWorkerOptions(options: WorkerOptions): void {
  strings('execArgv', options.execArgv);
  // worker_threads' SHARE_ENV is a symbol
  if (typeof options.env !== 'symbol') object('env', options.env);
  const limits = object('resourceLimits', options.resourceLimits);
  for (const name of RESOURCE_LIMITS) {
    const value = limits?.[name];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0))
      throw new InvalidOptionError(`resourceLimits.${name}`, value, 'a number of MB > 0');
  }
  const fork = object('fork', options.fork);
  if (!fork) return;
  strings('fork.args', fork.args);
  strings('fork.execArgv', fork.execArgv);
  object('fork.env', fork.env);
  for (const name of ['cwd', 'execPath'] as const) {
    const value = fork[name];
    if (value !== undefined && typeof value !== 'string' && !(name === 'cwd' && value instanceof URL))
      throw new InvalidOptionError(`fork.${name}`, value, name === 'cwd' ? 'a path or file: URL' : 'a path');
  }
  if (fork.silent !== undefined) flag('fork.silent', fork.silent);
  if (fork.serialization !== undefined && fork.serialization !== 'json' && fork.serialization !== 'advanced')
    throw new InvalidOptionError('fork.serialization', fork.serialization, "'json' or 'advanced'");
}

/** undefined, or an object that is not an array. */
function object(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidOptionError(name, value, 'an object');
  return value as Record<string, unknown>;
}
