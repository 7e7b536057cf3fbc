/** Workestrator's create() options: its defaults, its checks (AssertionErrors, as the seed threw) and their names in createPool. */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { PoolOptions } from '../pool/module-pool.js';
import { isBuiltInSerializer, type SerializerSpec } from '../serializer/resolve.js';
import { WorkestratorOptionError } from './errors/workestrator-option-error.js';

/** createPool's options plus Workestrator's names for two of them. */
export interface WorkestratorOptions extends PoolOptions {
  /** Workestrator's name of `concurrency`. Default 10. */
  maxConcurrentCallsPerWorker?: number;
  /** Workestrator's name of `serializer`: `serializers.JSON` (default), `serializers.CBOR`, or the absolute path of a Serializer module. */
  serializerPath?: SerializerSpec;
}

/** Workestrator's defaults, as its README lists them (`fork` is the engine's: the parent's settings without --inspect). */
export function workestratorDefaults(): Required<
  Pick<
    WorkestratorOptions,
    | 'killTimeout'
    | 'maxConcurrentCalls'
    | 'maxConcurrentCallsPerWorker'
    | 'maxIdleTime'
    | 'maxRetries'
    | 'numberOfWorkers'
    | 'serializerPath'
    | 'timeout'
    | 'ttl'
  >
> {
  return {
    killTimeout: 500,
    maxConcurrentCalls: Number.POSITIVE_INFINITY,
    maxConcurrentCallsPerWorker: 10,
    maxIdleTime: Number.POSITIVE_INFINITY,
    maxRetries: 3,
    numberOfWorkers: availableParallelism(),
    serializerPath: 'json',
    timeout: Number.POSITIVE_INFINITY,
    ttl: Number.POSITIVE_INFINITY,
  };
}

function check(ok: boolean, option: string, value: unknown, message: string): void {
  if (!ok) throw new WorkestratorOptionError(option, value, message);
}

const isPositive = (n: unknown) => typeof n === 'number' && n > 0;

/** A path or file: URL as fs takes it; anything else undefined. */
function fsPath(value: unknown): string | URL | undefined {
  if (value instanceof URL) return value;
  if (typeof value !== 'string' || value === '') return undefined;
  return value.startsWith('file:') ? new URL(value) : value;
}

function exists(value: unknown): boolean {
  const path = fsPath(value);
  return path !== undefined && existsSync(path);
}

function isFile(value: unknown): boolean {
  const path = fsPath(value);
  try {
    return path !== undefined && statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Workestrator's validateOptions, check by check: each refusal is an AssertionError (a
 * WorkestratorOptionError) thrown synchronously by create(). Numbers must be > 0 (maxRetries
 * >= 0; killTimeout 0 is refused, as there). A serializerPath is one of `serializers` or a file.
 */
export function validateWorkestratorOptions(options: unknown): asserts options is WorkestratorOptions {
  check(typeof options === 'object' && options !== null, 'options', options, "Workestrator options isn't an object.");
  const o = options as Record<string, unknown>;
  check(exists(o.module), 'module', o.module, `Provided workers module doesn't exists : ${String(o.module)}`);
  check(isFile(o.module), 'module', o.module, `Provided workers module isn't a file : ${String(o.module)}`);
  for (const name of ['ttl', 'maxConcurrentCalls', 'maxConcurrentCallsPerWorker', 'numberOfWorkers', 'timeout', 'killTimeout', 'maxIdleTime']) {
    const value = o[name];
    if (value != null) check(isPositive(value), name, value, `${name} should be > 0 : ${String(value)}`);
  }
  if (o.maxRetries != null)
    check(isPositive(o.maxRetries) || o.maxRetries === 0, 'maxRetries', o.maxRetries, `maxRetries should be >= 0 : ${String(o.maxRetries)}`);
  const serializer = o.serializerPath;
  if (serializer != null && !(typeof serializer === 'string' && isBuiltInSerializer(serializer))) {
    check(exists(serializer), 'serializerPath', serializer, `Provided serializer doesn't exists : ${String(serializer)}`);
    check(isFile(serializer), 'serializerPath', serializer, `Provided serializer isn't a file : ${String(serializer)}`);
  }
}

/** The same options under createPool's names (a canonical name given too wins). */
export function fromWorkestratorOptions(options: WorkestratorOptions): PoolOptions {
  const { maxConcurrentCallsPerWorker, serializerPath, ...rest } = options;
  const translated: PoolOptions = { ...rest };
  if (maxConcurrentCallsPerWorker !== undefined && rest.concurrency === undefined) translated.concurrency = maxConcurrentCallsPerWorker;
  if (serializerPath !== undefined && rest.serializer === undefined) translated.serializer = serializerPath;
  return translated;
}
