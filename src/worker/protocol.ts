/**
 * The module-worker wire codec: the only place that knows how frames are laid out. Both sides
 * build frames with its encoders and read them with its decoders into typed records.
 *
 * Frames are compact arrays (cheaper to clone than objects) whose first element is the op code.
 * Tasks and results travel in batches: every task (or result) a worker gets (or gives) within one
 * tick shares one frame, a flat run of fixed-size groups after a header.
 *
 * Everything that comes from a worker is untrusted: `decodeToParent` checks every field before
 * the pool uses it and turns a frame that does not decode into a SerializationError naming the
 * frame and the worker. Whether an error is the runtime's own (rebuilt as workforce's class) or
 * came from user code (a plain Error, or its built-in class) is marked in the frame by the
 * runtime at the place it raised it (RESULT's status, INIT_ERROR's origin), never read off the
 * error's name.
 */
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { MethodNotFoundError } from '../errors/method-not-found-error.js';
import { ModuleLoadError } from '../errors/module-load-error.js';
import { deserializeError, isSerializedError, type SerializedError, serializeError } from '../errors/remote-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import { TaskAbortedError } from '../errors/task-aborted-error.js';

const Op = {
  // parent → child
  INIT: 0,
  TASK: 1,
  CANCEL: 2,
  MESSAGE: 3,
  NESTED_RESULT: 4,
  CLOSE: 5,
  WITHDRAW: 6,
  // child → parent
  READY: 10,
  INIT_ERROR: 11,
  RESULT: 12,
  POST: 13,
  NESTED: 14,
  FATAL: 15,
  NESTED_CANCEL: 16,
  ERROR: 17,
} as const;

declare const FRAME: unique symbol;
/** A frame built by one of this module's encoders: opaque everywhere else, which only sends it. */
export type Frame = unknown[] & { readonly [FRAME]: true };
const frame = (...fields: unknown[]) => fields as Frame;

const FRAME_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Op).map(([name, code]) => [code, name]));

/** TASK: op, then groups of 4: id, method (null = default export), encoded argument list, 1 = addTask form. */
const TASK_GROUP = 4;
/** RESULT: op, heap used (or null), then groups of 3: id, status, encoded value or serialized error. */
const RESULT_HEADER = 2;
const RESULT_GROUP = 3;

/** How a call ended (RESULT's status): the runtime says which errors are its own. */
const Status = {
  /** User code threw or rejected: the error comes back as a plain Error (or its built-in class). */
  THREW: 0,
  RETURNED: 1,
  /** workforce's runtime failed the call itself (method not found, arguments not decodable, withdrawn). */
  FAILED: 2,
} as const;

/**
 * The classes the worker runtime raises, by the `name` their instances carry (spelled out: a
 * bundler may rename the classes themselves); only an error the runtime marked as its own may come
 * back as one. Not TimeoutError nor WorkerCrashError: only the pool raises those.
 */
const RUNTIME_ERRORS = new Map<string, abstract new (...args: never[]) => Error>([
  ['MethodNotFoundError', MethodNotFoundError],
  ['SerializationError', SerializationError],
  ['ModuleLoadError', ModuleLoadError],
  ['TaskAbortedError', TaskAbortedError],
  ['InvalidOptionError', InvalidOptionError],
]);
const NONE = new Map<string, never>();

/** What a child needs to start: sent as the first frame. */
export interface InitConfig {
  /** file: URL of the user module. */
  module: string;
  workerId: number | string;
  /** 'json' | 'cbor' | 'structured' | a Serializer module path. */
  serializer: string;
  /** Absent when the pool has none. */
  workerData?: unknown;
  /** Report heap use with each result batch (for maxHeapBeforeRecycle). */
  reportHeap: boolean;
  /** Calls the worker runs at once; further calls it receives wait in its local queue. */
  concurrency: number;
  /** A thread's message budget for postMessageToPool (see MessageBudget), shared with the parent. */
  messageBudget?: { counter: SharedArrayBuffer; limit: number };
  /** A thread's idle wake-up words (see IdleWake), shared with the parent: present when the pool's `idleWait` is on. */
  idleWake?: { counter: SharedArrayBuffer };
}

/** A call on a module worker: `method` undefined = the default export; `single` = addTask form fn(arg, ctx). */
export interface Call {
  method: string | undefined;
  args: unknown[];
  single?: boolean;
}

/** Options of `workerContext.addTask(arg, options)` inside a worker. */
export interface NestedOptions {
  affinityStrength?: 'light' | 'strong' | 'force';
  /** Another worker's id, or 'main'; default: the worker that queued it. */
  affinity?: number | string;
  /** probedjs's name of `affinity`. */
  workerAffinity?: number | string;
  /**
   * Aborts the nested task: its promise rejects with TaskAbortedError and the pool cancels it.
   * A nested task is also aborted when the task that queued it is aborted or times out (queued
   * through `ctx.addTask`, or `workerContext.addTask` before the task's first `await`), or when
   * its worker dies.
   */
  signal?: AbortSignal;
}

/** What travels with a NESTED frame: the options the pool acts on. */
export interface NestedWireOptions {
  affinityStrength?: 'light' | 'strong' | 'force';
  affinity?: number | string;
}

const STRENGTHS = new Set(['light', 'strong', 'force']);

/** Where a worker failed to start. */
export type StartPhase = 'module' | 'hook' | 'serializer';
const PHASES = new Set<string>(['module', 'hook', 'serializer']);

/** One call of a TASK frame. */
export interface TaskRecord {
  id: number;
  /** null: the default export. */
  method: string | null;
  /** The argument list, encoded by the pool's serializer. */
  payload: unknown;
  /** addTask form: fn(arg, ctx). */
  single: boolean;
}

/** One answer of a RESULT frame, as the parent reads it. */
export type ResultRecord = { id: number; ok: true; payload: unknown } | { id: number; ok: false; error: Error };

/** A frame the child reads. */
export type ToChild =
  | { op: 'init'; config: InitConfig }
  | { op: 'tasks'; calls: TaskRecord[] }
  | { op: 'cancel'; id: number }
  /** Drop the call if it has not started (it then answers TaskAbortedError); a running call is left alone. */
  | { op: 'withdraw'; id: number }
  | { op: 'message'; type: string; content: unknown }
  | { op: 'nested-result'; id: number; ok: true; payload: unknown }
  | { op: 'nested-result'; id: number; ok: false; error: Error }
  | { op: 'close' };

/** A frame the parent reads. */
export type ToParent =
  | { op: 'ready' }
  /** `cause` is workforce's class when the runtime raised it, else the user's error rebuilt. */
  | { op: 'init-error'; cause: Error; phase: StartPhase }
  /** `problems`: answers that named a call but were malformed (the call fails with the problem). */
  | { op: 'results'; heap: number | null; results: ResultRecord[]; problems: SerializationError[] }
  | { op: 'post'; type: string; content: unknown }
  /**
   * id, argument, options, lending group: the task that awaits it (or -id, the nested call alone,
   * when its parent is unknown). Each group with a nested call pending lends its worker one slot.
   */
  | { op: 'nested'; id: number; payload: unknown; options: NestedWireOptions | undefined; group: number }
  /** A NESTED frame with a usable id but unusable fields: the nested call is answered with `error`. */
  | { op: 'nested-malformed'; id: number; error: SerializationError }
  /** The worker gave up on nested task `id` (its signal fired, or its parent task was cancelled). */
  | { op: 'nested-cancel'; id: number }
  | { op: 'fatal'; error: Error }
  /** An error of the worker's user code that ended nothing (a message listener threw): reported as the worker's error. */
  | { op: 'error'; error: Error };

// ---------------------------------------------------------------------------------------------
// parent → child

export const encodeInit = (config: InitConfig): Frame => frame(Op.INIT, config);
export const encodeCancel = (id: number): Frame => frame(Op.CANCEL, id);
export const encodeWithdraw = (id: number): Frame => frame(Op.WITHDRAW, id);
export const encodeMessage = (type: string, content: unknown): Frame => frame(Op.MESSAGE, type, content);
export const encodeClose = (): Frame => frame(Op.CLOSE);

/** Answers nested task `id`: its encoded result, or the error it failed with. */
export function encodeNestedResult(id: number, ok: boolean, value: unknown): Frame {
  return frame(Op.NESTED_RESULT, id, ok ? 1 : 0, ok ? value : serializeError(value));
}

/** The calls of one tick, in one TASK frame. */
export class TaskBatch {
  readonly #frame = frame(Op.TASK);

  add(id: number, method: string | undefined, payload: unknown, single: boolean | undefined): void {
    this.#frame.push(id, method ?? null, payload, single ? 1 : 0);
  }

  frame(): Frame {
    return this.#frame;
  }

  /**
   * Empties the batch for the next tick, keeping its array: only once the frame went out over a
   * link that copies it as it sends (a thread's postMessage, process IPC), never over one that
   * hands it on by reference (an inline worker's loopback).
   */
  reset(): void {
    this.#frame.length = 1;
  }

  /** One frame per call, with its id (to send them one by one when the batch cannot be cloned). */
  *split(): Generator<[id: number, frame: Frame]> {
    const f = this.#frame;
    for (let i = 1; i < f.length; i += TASK_GROUP) yield [f[i] as number, frame(Op.TASK, f[i], f[i + 1], f[i + 2], f[i + 3])];
  }
}

/** Reads a frame from the pool (trusted, but checked: a bad one is a bug, reported as such). */
export function decodeToChild(frame: unknown): ToChild {
  if (!Array.isArray(frame)) throw malformed('a frame', 'the pool', 'not an array');
  switch (frame[0]) {
    case Op.TASK: {
      if ((frame.length - 1) % TASK_GROUP !== 0) throw malformed('TASK', 'the pool', `${frame.length - 1} fields are not groups of ${TASK_GROUP}`);
      const calls: TaskRecord[] = [];
      for (let i = 1; i < frame.length; i += TASK_GROUP) {
        const id = frame[i];
        const method = frame[i + 1];
        if (!isId(id) || (method !== null && typeof method !== 'string')) throw malformed('TASK', 'the pool', `call ${describe(id)}`);
        calls.push({ id, method, payload: frame[i + 2], single: frame[i + 3] === 1 });
      }
      return { op: 'tasks', calls };
    }
    case Op.CANCEL:
    case Op.WITHDRAW:
      if (!isId(frame[1])) throw malformed(frameName(frame[0]), 'the pool', `id ${describe(frame[1])}`);
      return { op: frame[0] === Op.CANCEL ? 'cancel' : 'withdraw', id: frame[1] };
    case Op.MESSAGE:
      if (typeof frame[1] !== 'string') throw malformed('MESSAGE', 'the pool', `type ${describe(frame[1])}`);
      return { op: 'message', type: frame[1], content: frame[2] };
    case Op.NESTED_RESULT: {
      const [, id, ok, value] = frame;
      if (!isId(id) || (ok !== 0 && ok !== 1)) throw malformed('NESTED_RESULT', 'the pool', `id ${describe(id)}`);
      // the pool's errors reach the worker by name only, as they always have
      return ok === 1 ? { op: 'nested-result', id, ok: true, payload: value } : { op: 'nested-result', id, ok: false, error: deserializeError(value) };
    }
    case Op.INIT:
      if (typeof frame[1] !== 'object' || frame[1] === null) throw malformed('INIT', 'the pool', 'no configuration');
      return { op: 'init', config: frame[1] as InitConfig };
    case Op.CLOSE:
      return { op: 'close' };
    default:
      throw malformed('a frame', 'the pool', `unknown op ${describe(frame[0])}`);
  }
}

// ---------------------------------------------------------------------------------------------
// child → parent

export const encodeReady = (): Frame => frame(Op.READY);
export const encodePost = (type: string, content: unknown): Frame => frame(Op.POST, type, content);
export const encodeNestedCancel = (id: number): Frame => frame(Op.NESTED_CANCEL, id);
/** What killed a process worker (its uncaught error: always the user's, or unknown). */
export const encodeFatal = (error: unknown): Frame => frame(Op.FATAL, serializeError(error));
/** An error of user code the worker survived (always the user's). */
export const encodeError = (error: unknown): Frame => frame(Op.ERROR, serializeError(error));

/** A failed start; `own`: the runtime raised `error` itself (a workforce error), else user code did. */
export function encodeInitError(error: unknown, phase: StartPhase, own: boolean): Frame {
  return frame(Op.INIT_ERROR, serializeError(error), phase, own ? 1 : 0);
}

export function encodeNested(id: number, payload: unknown, options: NestedWireOptions | undefined, group: number): Frame {
  return frame(Op.NESTED, id, payload, options, group);
}

/** The answers of one tick, in one RESULT frame. */
export class ResultBatch {
  readonly #frame = frame(Op.RESULT, null);

  get empty(): boolean {
    return this.#frame.length === RESULT_HEADER;
  }

  /** The call returned; `payload` is its encoded value. */
  returned(id: number, payload: unknown): void {
    this.#frame.push(id, Status.RETURNED, payload);
  }

  /** User code threw `error`: it comes back as a plain Error (or its built-in class). */
  threw(id: number, error: unknown): void {
    this.#frame.push(id, Status.THREW, serializeError(error));
  }

  /** The runtime failed the call itself with one of its own errors (see RUNTIME_ERRORS). */
  failed(id: number, error: Error): void {
    this.#frame.push(id, Status.FAILED, serializeError(error));
  }

  frame(heap: number | null): Frame {
    this.#frame[1] = heap;
    return this.#frame;
  }

  /** Empties the batch for the next tick (once its frame went out by copy: see TaskBatch.reset). */
  reset(): void {
    this.#frame.length = RESULT_HEADER;
  }

  /** One frame per answer, with its id (to send them one by one when the batch cannot be cloned). */
  *split(heap: number | null): Generator<[id: number, frame: Frame]> {
    const f = this.#frame;
    for (let i = RESULT_HEADER; i < f.length; i += RESULT_GROUP) yield [f[i] as number, frame(Op.RESULT, heap, f[i], f[i + 1], f[i + 2])];
  }
}

/** A RESULT frame answering call `id` with the runtime's own error (when its answer could not be sent). */
export function encodeFailure(id: number, error: Error): Frame {
  return frame(Op.RESULT, null, id, Status.FAILED, serializeError(error));
}

/**
 * Reads a frame from a worker. Throws a SerializationError naming the frame and `worker` when the
 * frame cannot be used at all (not an array, unknown op, a field of the wrong type, a call id that
 * is not one); a malformed answer that still names its call is returned as that call's failure.
 */
export function decodeToParent(frame: unknown, worker: string): ToParent {
  if (!Array.isArray(frame)) throw malformed('a frame', worker, `${describe(frame)} instead of an array`);
  switch (frame[0]) {
    case Op.RESULT:
      return decodeResults(frame, worker);
    case Op.POST:
      if (frame.length !== 3 || typeof frame[1] !== 'string') throw malformed('POST', worker, `message type ${describe(frame[1])}`);
      return { op: 'post', type: frame[1], content: frame[2] };
    case Op.NESTED: {
      const [, id, payload, options, group] = frame;
      if (!isId(id)) throw malformed('NESTED', worker, `id ${describe(id)}`);
      const problem =
        frame.length !== 5 ? `${frame.length} fields` : !Number.isSafeInteger(group) || group === 0 ? `group ${describe(group)}` : badOptions(options);
      if (problem) return { op: 'nested-malformed', id, error: malformed('NESTED', worker, `nested task ${id}: ${problem}`) };
      return { op: 'nested', id, payload, options: options as NestedWireOptions | undefined, group: group as number };
    }
    case Op.NESTED_CANCEL:
      if (!isId(frame[1])) throw malformed('NESTED_CANCEL', worker, `id ${describe(frame[1])}`);
      return { op: 'nested-cancel', id: frame[1] };
    case Op.READY:
      return { op: 'ready' };
    case Op.INIT_ERROR: {
      const [, error, phase, origin] = frame;
      if (typeof phase !== 'string' || !PHASES.has(phase)) throw malformed('INIT_ERROR', worker, `phase ${describe(phase)}`);
      if (!isSerializedError(error)) throw malformed('INIT_ERROR', worker, `error ${describe(error)}`);
      return { op: 'init-error', cause: deserializeError(error, origin === 1 ? RUNTIME_ERRORS : NONE), phase: phase as StartPhase };
    }
    case Op.FATAL:
    case Op.ERROR: {
      const op = frame[0] === Op.FATAL ? 'fatal' : 'error';
      if (!isSerializedError(frame[1])) throw malformed(frameName(frame[0]), worker, `error ${describe(frame[1])}`);
      return { op, error: deserializeError(frame[1]) };
    }
    default:
      throw malformed('a frame', worker, `unknown op ${describe(frame[0])}`);
  }
}

function decodeResults(frame: unknown[], worker: string): ToParent {
  const results: ResultRecord[] = [];
  const problems: SerializationError[] = [];
  let heap: number | null = null;
  readResults(frame, worker, {
    heap: (bytes) => (heap = bytes),
    answer: (id, ok, value) => results.push(ok ? { id, ok, payload: value } : { id, ok, error: value as Error }),
    problem: (error) => problems.push(error),
  });
  return { op: 'results', heap, results, problems };
}

/** Where readResults hands the answers of a RESULT frame, one by one. */
export interface ResultSink {
  /** The worker's heap use sent with the frame (or null), handed on before the answers (a recycling rule reads it as each answer lands). */
  heap(bytes: number | null): void;
  /** Call `id` answered: `ok` with its encoded value, else with its Error (a malformed answer's problem included). */
  answer(id: number, ok: boolean, value: unknown): void;
  /** An answer that named its call but was malformed (it was also answered, with this error). */
  problem(error: SerializationError): void;
}

/** True when `frame` is a RESULT frame (read it with readResults). */
export function isResultFrame(frame: unknown): frame is unknown[] {
  return Array.isArray(frame) && frame[0] === Op.RESULT;
}

/**
 * The answers of a RESULT frame, checked as decodeToParent checks them, handed to `sink` without a
 * record per answer (the pool's hot path), after the frame's heap field. Throws a
 * SerializationError, before anything is handed on, when the frame cannot be used.
 */
export function readResults(frame: unknown[], worker: string, sink: ResultSink): void {
  const heap = frame[1];
  if (heap !== null && !(typeof heap === 'number' && heap >= 0)) throw malformed('RESULT', worker, `heap ${describe(heap)}`);
  if ((frame.length - RESULT_HEADER) % RESULT_GROUP !== 0)
    throw malformed('RESULT', worker, `${frame.length - RESULT_HEADER} fields are not groups of ${RESULT_GROUP}`);
  // ids first: an answer that names no call cannot be attributed, so the whole frame is refused
  for (let i = RESULT_HEADER; i < frame.length; i += RESULT_GROUP) if (!isId(frame[i])) throw malformed('RESULT', worker, `call id ${describe(frame[i])}`);
  sink.heap(heap as number | null);
  for (let i = RESULT_HEADER; i < frame.length; i += RESULT_GROUP) {
    const id = frame[i] as number;
    const status = frame[i + 1];
    const value = frame[i + 2];
    if (status === Status.RETURNED) sink.answer(id, true, value);
    else if ((status === Status.THREW || status === Status.FAILED) && isSerializedError(value)) {
      sink.answer(id, false, deserializeError(value, status === Status.FAILED ? RUNTIME_ERRORS : NONE));
    } else {
      const problem = malformed('RESULT', worker, `the answer to call ${id}: status ${describe(status)}, value ${describe(value)}`);
      sink.answer(id, false, problem);
      sink.problem(problem);
    }
  }
}

function badOptions(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return `options ${describe(options)}`;
  const { affinity, affinityStrength } = options as Record<string, unknown>;
  if (affinity !== undefined && typeof affinity !== 'number' && typeof affinity !== 'string') return `affinity ${describe(affinity)}`;
  if (affinityStrength !== undefined && !(typeof affinityStrength === 'string' && STRENGTHS.has(affinityStrength))) {
    return `affinityStrength ${describe(affinityStrength)}`;
  }
  return undefined;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function frameName(op: unknown): string {
  return (typeof op === 'number' && Object.hasOwn(FRAME_NAMES, op) && FRAME_NAMES[op]) || 'a frame';
}

function malformed(frame: string, from: string, detail: string): SerializationError {
  return new SerializationError(`${capitalize(from)} sent a malformed ${frame === 'a frame' ? 'frame' : `${frame} frame`}: ${detail}`, { frame });
}

/** A short, safe description of an untrusted value for an error message. */
function describe(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type { SerializedError };
