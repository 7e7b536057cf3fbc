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

/**
 * An error (or any thrown value) as a plain object. Total: what user code threw is untrusted too,
 * so a getter that throws, a Proxy, a cause that leads back to itself or a chain of causes a
 * hundred thousand deep never makes this throw — such parts are described instead (a getter that
 * threw becomes the text of its error, a cycle '[circular]', causes past MAX_CAUSE_DEPTH are cut).
 */
export function serializeError(error: unknown): SerializedError {
  try {
    return serializeAny(error, { path: new Set(), left: MAX_NODES }, 0, 0);
  } catch (failure) {
    // (a Proxy whose getPrototypeOf trap throws fails even `instanceof`)
    return { $error: true, name: 'Error', message: `A thrown value that could not be read: ${describeFailure(failure)}` };
  }
}

/**
 * Most errors and objects one serialized error holds (past it, '[truncated]'): errors that point to
 * each other through fields would otherwise be expanded once per path, which doubles per level.
 */
const MAX_NODES = 1000;

/** One serialization's walk: the errors and objects around the current one (a cycle leads back to one), and the nodes it may still take. */
interface Walk {
  readonly path: Set<unknown>;
  left: number;
}

/** `causes`: how deep in the chain of causes; `depth`: how deep in fields (as plain()'s). */
function serializeAny(error: unknown, walk: Walk, causes: number, depth: number): SerializedError {
  if (!(error instanceof Error)) return serializeThrownValue(error);
  walk.left--;
  walk.path.add(error);
  try {
    return serializeFields(error, walk, causes, depth);
  } finally {
    walk.path.delete(error);
  }
}

function serializeFields(error: Error, walk: Walk, causes: number, depth: number): SerializedError {
  const props: Record<string, unknown> = {};
  for (const key of ownKeys(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    define(props, key, plain(read(error, key), walk, depth + 1));
  }
  // AggregateError keeps its errors in a non-enumerable own property
  if (Object.hasOwn(error, 'errors') && !Object.hasOwn(props, 'errors')) define(props, 'errors', plain(read(error, 'errors'), walk, depth + 1));
  const stack = read(error, 'stack');
  const out: SerializedError = { $error: true, name: text(read(error, 'name')), message: text(read(error, 'message')), props };
  if (typeof stack === 'string') out.stack = stack;
  if (typeof DOMException === 'function' && error instanceof DOMException) out.dom = true;
  const cause = read(error, 'cause');
  if (cause !== undefined) {
    if (walk.path.has(cause)) out.cause = '[circular]';
    else if (causes >= MAX_CAUSE_DEPTH) out.cause = '[cause chain too deep]';
    else if (walk.left <= 0) out.cause = '[truncated]';
    else out.cause = cause instanceof Error ? serializeAny(cause, walk, causes + 1, depth) : plain(cause, walk, depth + 1);
  }
  return out;
}

/**
 * A thrown non-Error becomes an Error. A thrown object (`throw { code, message }`) lends its
 * `message` and `name` and keeps its other fields as properties, so `error.code` still works;
 * the value itself is kept as `error.thrown`.
 */
function serializeThrownValue(value: unknown): SerializedError {
  const thrown = plain(value, { path: new Set(), left: MAX_NODES });
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

/** `target[key]`, or what its getter threw, described. */
function read(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch (failure) {
    return `[${key} could not be read: ${describeFailure(failure)}]`;
  }
}

/** Own enumerable string keys; none when even listing them throws (a Proxy). */
function ownKeys(target: object): string[] {
  try {
    return Object.keys(target);
  } catch {
    return [];
  }
}

function describeFailure(failure: unknown): string {
  try {
    return failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
  } catch {
    return 'unreadable';
  }
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
  // an AggregateError's `errors` come with the props
  else if (name === 'AggregateError') error = new AggregateError([], message);
  else error = new (BUILTINS.get(name) ?? Error)(message);
  if (error.name !== name) define(error, 'name', name, false);
  if (typeof data.stack === 'string') define(error, 'stack', data.stack, false);
  const props = data.props;
  if (typeof props === 'object' && props !== null) {
    // defined, not assigned: a key such as `__proto__` must stay an ordinary property
    for (const key of Object.keys(props)) if (key !== 'name' && key !== 'stack') define(error, key, revive((props as Record<string, unknown>)[key], depth));
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

/** A field of an error: errors in it (see plain()) rebuilt as plain Errors, one level of arrays deep, within the depth bound. */
function revive(value: unknown, depth: number): unknown {
  if (depth >= MAX_CAUSE_DEPTH) return value;
  if (isSerializedError(value)) return deserializeError(value, [], depth + 1);
  if (Array.isArray(value) && value.some(isSerializedError)) return value.map((v) => (isSerializedError(v) ? deserializeError(v, [], depth + 1) : v));
  return value;
}

/** Sets an own property, also for keys such as `__proto__` (which assignment would treat as the prototype). */
function define(target: object, key: string, value: unknown, enumerable = true): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
}

/**
 * Keeps only what any serializer can carry: primitives, arrays and plain objects (depth-limited);
 * an Error inside (a field, an AggregateError's list) as a serialized error, rebuilt on arrival.
 * Never throws: an unreadable part is described, one that contains itself is '[circular]'.
 */
function plain(value: unknown, walk: Walk, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? String(value) : value;
  }
  if (walk.path.has(value)) return '[circular]';
  if (depth > 4) return '[Object]';
  if (walk.left <= 0) return '[truncated]';
  try {
    // an error in a field: its own fields nest deeper, its causes are not followed
    if (value instanceof Error) return serializeAny(value, walk, MAX_CAUSE_DEPTH, depth);
    walk.left--;
    walk.path.add(value);
    if (Array.isArray(value)) return value.map((v) => plain(v, walk, depth + 1));
    const out: Record<string, unknown> = {};
    for (const key of ownKeys(value)) define(out, key, plain(read(value, key), walk, depth + 1));
    return out;
  } catch (failure) {
    return `[unreadable: ${describeFailure(failure)}]`;
  } finally {
    walk.path.delete(value);
  }
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
