/**
 * Errors across Redis. A consumer writes a failed call's error as a BullMQ failure whose message
 * is a readable first line plus the error as JSON; the producer rebuilds it. Only an error the
 * consumer's own pool raised (an instance of one of workforce's classes there) is rebuilt as that
 * class: an error from user code keeps its name and fields on a plain Error, whatever its name.
 */
import { hostname } from 'node:os';
import { CallMaxRetryError } from '../errors/call-max-retry-error.js';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { JobRemovedError } from '../errors/job-removed-error.js';
import { MethodNotFoundError } from '../errors/method-not-found-error.js';
import { ModuleLoadError } from '../errors/module-load-error.js';
import { PoolClosedError } from '../errors/pool-closed-error.js';
import { QueueFullError } from '../errors/queue-full-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import { TaskAbortedError } from '../errors/task-aborted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { WorkerCrashError } from '../errors/worker-crash-error.js';

/** Marks the line of a BullMQ failedReason that holds the error as JSON. */
const MARK = 'workforce-error:';
/** How deep causes and reasons are followed (a cycle or a hostile chain stops here). */
const MAX_DEPTH = 4;

type ErrorClass = abstract new (...args: never[]) => Error;

/** workforce's classes by name: a Map, so that only these own names are ever looked up. */
const TRUSTED = new Map<string, ErrorClass>(
  (
    [
      CallMaxRetryError,
      ChannelClosedError,
      InvalidOptionError,
      JobRemovedError,
      MethodNotFoundError,
      ModuleLoadError,
      PoolClosedError,
      QueueFullError,
      SerializationError,
      TaskAbortedError,
      TimeoutError,
      WorkerCrashError,
    ] as ErrorClass[]
  ).map((c) => [c.name, c]),
);

const BUILTINS = new Map<string, ErrorConstructor>([
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
]);

/** An error as JSON: `trusted` only when the consumer's pool raised it. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  trusted: boolean;
  props: Record<string, unknown>;
  reason?: WireError;
  cause?: WireError;
}

/** True when `error` is an instance of workforce's class of its own name (the local pool raised it). */
export function raisedByWorkforce(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const Ctor = TRUSTED.get(error.name);
  return Ctor !== undefined && error instanceof Ctor;
}

/** The error as JSON; a WorkerCrashError gets this consumer's host name (`host`, and in its message). */
export function toWire(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: typeof error === 'string' ? error : safeString(error), trusted: false, props: { thrown: plain(error) } };
  }
  const trusted = raisedByWorkforce(error);
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause' || key === 'reason') continue;
    props[key] = plain((error as unknown as Record<string, unknown>)[key]);
  }
  let message = error.message;
  if (trusted && error instanceof WorkerCrashError) {
    props.host = hostname();
    message = `${message} (on consumer ${props.host})`;
  }
  const wire: WireError = { name: error.name, message, stack: error.stack, trusted, props };
  if (depth < MAX_DEPTH) {
    const reason = (error as { reason?: unknown }).reason;
    if (error instanceof CallMaxRetryError || error instanceof TaskAbortedError) {
      if (reason !== undefined) wire.reason = toWire(reason, depth + 1);
    }
    if (error.cause !== undefined && error.cause !== reason) wire.cause = toWire(error.cause, depth + 1);
  }
  return wire;
}

/** The text BullMQ keeps as the job's failedReason: a readable line, then the JSON. */
export function failureText(error: WireError): string {
  return `${error.name}: ${error.message.split('\n')[0]}\n${MARK}${JSON.stringify(error)}`;
}

/** The WireError inside a failedReason, or undefined when it holds none (a failure BullMQ itself wrote). */
export function parseFailure(failedReason: unknown): WireError | undefined {
  if (typeof failedReason !== 'string') return undefined;
  const at = failedReason.indexOf(`\n${MARK}`);
  if (at < 0) return undefined;
  try {
    return JSON.parse(failedReason.slice(at + 1 + MARK.length)) as WireError;
  } catch {
    return undefined;
  }
}

/** Rebuilds an error on the producer; the wire data is checked, never trusted for more than its shape. */
export function fromWire(data: unknown, depth = 0): Error {
  if (typeof data !== 'object' || data === null) return new Error(safeString(data));
  const wire = data as Partial<WireError>;
  const name = typeof wire.name === 'string' ? wire.name : 'Error';
  const message = typeof wire.message === 'string' ? wire.message : '';
  const Own = wire.trusted === true ? TRUSTED.get(name) : undefined;
  let error: Error;
  if (Own) {
    error = Object.create(Own.prototype) as Error;
    define(error, 'message', message);
  } else {
    error = new (BUILTINS.get(name) ?? Error)(message);
  }
  if (error.name !== name) define(error, 'name', name);
  if (typeof wire.stack === 'string') define(error, 'stack', wire.stack);
  if (typeof wire.props === 'object' && wire.props !== null) {
    for (const [key, value] of Object.entries(wire.props)) define(error, key, value);
  }
  if (depth < MAX_DEPTH) {
    if (wire.reason !== undefined) define(error, 'reason', fromWire(wire.reason, depth + 1));
    if (wire.cause !== undefined) define(error, 'cause', fromWire(wire.cause, depth + 1));
    else if (wire.reason !== undefined) define(error, 'cause', (error as { reason?: unknown }).reason);
  }
  return error;
}

/** An own data property: never a setter (a key named `__proto__` must not change the prototype). */
function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: key !== 'message' && key !== 'stack' && key !== 'cause' });
}

/** What JSON can carry: primitives, arrays and plain objects, depth-limited. */
function plain(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' || value === undefined ? String(value) : value;
  }
  if (depth > 4) return '[Object]';
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v, depth + 1);
  return out;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
