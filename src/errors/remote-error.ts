/**
 * Errors cross a thread or process boundary as plain objects, so that every serializer
 * (JSON, CBOR, structured clone) carries name, message, stack, cause and own properties.
 *
 * What arrives is untrusted (a worker's user code chose it): rebuilding never looks a name up
 * beyond a fixed list of own entries (a name such as `toString` or `__proto__` is only a name),
 * never sets a prototype, and always yields an Error.
 */
export interface SerializedError {
  $error: true;
  name: string;
  message: string;
  stack?: string;
  props?: Record<string, unknown>;
  cause?: unknown;
  /** The error was a DOMException (e.g. `AbortSignal.timeout()`'s TimeoutError): rebuilt as one. */
  dom?: true;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Built-in classes a user error keeps, by name (a Map: no inherited entries). */
const BUILTINS = new Map<string, ErrorConstructor>([
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
]);

/** How deep a chain of causes is rebuilt; deeper causes are cut (a forged chain must not exhaust the stack). */
const MAX_CAUSE_DEPTH = 16;

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return serializeThrownValue(error);
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    define(props, key, plain((error as unknown as Record<string, unknown>)[key]));
  }
  const out: SerializedError = { $error: true, name: text(error.name), message: text(error.message), stack: error.stack, props };
  if (typeof DOMException === 'function' && error instanceof DOMException) out.dom = true;
  if (error.cause !== undefined) out.cause = error.cause instanceof Error ? serializeError(error.cause) : plain(error.cause);
  return out;
}

/**
 * A thrown non-Error becomes an Error. A thrown object (`throw { code, message }`) lends its
 * `message` and `name` and keeps its other fields as properties, so `error.code` still works;
 * the value itself is kept as `error.thrown`.
 */
function serializeThrownValue(value: unknown): SerializedError {
  const thrown = plain(value);
  if (typeof thrown !== 'object' || thrown === null || Array.isArray(thrown)) {
    return { $error: true, name: 'Error', message: typeof value === 'string' ? value : safeString(value), props: { thrown } };
  }
  const fields = thrown as Record<string, unknown>;
  const props: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) if (key !== 'name' && key !== 'message' && key !== 'stack') define(props, key, field);
  props.thrown = thrown;
  const name = Object.hasOwn(fields, 'name') ? fields.name : undefined;
  const message = Object.hasOwn(fields, 'message') ? fields.message : undefined;
  return {
    $error: true,
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? message : safeString(value),
    props,
  };
}

export function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && (value as SerializedError).$error === true;
}

/**
 * Rebuilds an Error: a DOMException or a built-in class by name, else a plain Error keeping the
 * name. `classes` are the sender's own (workforce's) error classes, passed only when the sender
 * vouches that it raised this error itself: one whose name matches exactly (the map's key, or the
 * class's name) is rebuilt as an instance of it (its constructor is not run; fields come from the wire). Anything that is not a
 * serialized error becomes an Error describing it. Causes are rebuilt without `classes`.
 */
export function deserializeError(data: unknown, classes: readonly ErrorClass[] | ReadonlyMap<string, ErrorClass> = [], depth = 0): Error {
  if (!isSerializedError(data)) return data instanceof Error ? data : new Error(safeString(data));
  const name = typeof data.name === 'string' ? data.name : 'Error';
  const message = typeof data.message === 'string' ? data.message : safeString(data.message);
  const own = Array.isArray(classes) ? classes.find((c) => c.name === name) : (classes as ReadonlyMap<string, ErrorClass>).get(name);
  let error: Error;
  if (own) error = Object.assign(Object.create(own.prototype) as Error, { message });
  else if (data.dom === true && typeof DOMException === 'function') error = new DOMException(message, name);
  else error = new (BUILTINS.get(name) ?? Error)(message);
  if (error.name !== name) define(error, 'name', name, false);
  if (typeof data.stack === 'string') define(error, 'stack', data.stack, false);
  const props = data.props;
  if (typeof props === 'object' && props !== null) {
    // defined, not assigned: a key such as `__proto__` must stay an ordinary property
    for (const key of Object.keys(props)) if (key !== 'name' && key !== 'stack') define(error, key, (props as Record<string, unknown>)[key]);
  }
  if (data.cause !== undefined) {
    const cause = data.cause;
    define(
      error,
      'cause',
      isSerializedError(cause) ? (depth < MAX_CAUSE_DEPTH ? deserializeError(cause, [], depth + 1) : new Error('[cause chain too deep]')) : cause,
    );
  }
  return error;
}

/** Sets an own property, also for keys such as `__proto__` (which assignment would treat as the prototype). */
function define(target: object, key: string, value: unknown, enumerable = true): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
}

/** Keeps only what any serializer can carry: primitives, arrays and plain objects (depth-limited). */
function plain(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? String(value) : value;
  }
  if (depth > 4) return '[Object]';
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) define(out, k, plain(v, depth + 1));
  return out;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : safeString(value);
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
