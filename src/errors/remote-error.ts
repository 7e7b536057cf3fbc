/**
 * Errors cross a thread or process boundary as plain objects, so that every serializer
 * (JSON, CBOR, structured clone) carries name, message, stack, cause and own properties.
 */
export interface SerializedError {
  $error: true;
  name: string;
  message: string;
  stack?: string;
  props?: Record<string, unknown>;
  cause?: unknown;
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return serializeThrownValue(error);
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    props[key] = plain((error as unknown as Record<string, unknown>)[key]);
  }
  const out: SerializedError = { $error: true, name: error.name, message: error.message, stack: error.stack, props };
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
  for (const [key, field] of Object.entries(fields)) if (key !== 'name' && key !== 'message' && key !== 'stack') props[key] = field;
  props.thrown = thrown;
  return {
    $error: true,
    name: typeof fields.name === 'string' ? fields.name : 'Error',
    message: typeof fields.message === 'string' ? fields.message : safeString(value),
    props,
  };
}

export function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && (value as SerializedError).$error === true;
}

/**
 * Rebuilds an Error: built-in types by name, and any of `classes` (matched by name) as an
 * instance of that class (its constructor is not run; fields come from the wire).
 */
export function deserializeError(data: unknown, classes: readonly (abstract new (...args: never[]) => Error)[] = []): Error {
  if (!isSerializedError(data)) return data instanceof Error ? data : new Error(safeString(data));
  const own = classes.find((c) => c.name === data.name);
  const Ctor = builtins[data.name] ?? Error;
  const error: Error = own ? Object.assign(Object.create(own.prototype) as Error, { message: data.message }) : new Ctor(data.message);
  if (error.name !== data.name) Object.defineProperty(error, 'name', { value: data.name, configurable: true, writable: true });
  if (data.stack !== undefined) error.stack = data.stack;
  if (data.props) Object.assign(error, data.props);
  if (data.cause !== undefined) error.cause = isSerializedError(data.cause) ? deserializeError(data.cause) : data.cause;
  return error;
}

/** Keeps only what any serializer can carry: primitives, arrays and plain objects (depth-limited). */
function plain(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? String(value) : value;
  }
  if (depth > 4) return '[Object]';
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
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
