/** travetto worker 4.x/5.x's static runs: WorkPool.run / runStream / runStreamProgress, on the engine's WorkPool. */
import { availableParallelism } from 'node:os';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { checkOptionNames } from '../pool/options.js';
import { AsyncQueue } from '../pool/sources/async-queue.js';
import { WorkPool as EngineWorkPool } from '../pool/work-pool.js';
import type { PoolWorker } from '../worker/types.js';
import { WorkPoolResultError } from './errors/work-pool-result-error.js';

type Source<I> = Iterable<I> | AsyncIterable<I>;

/** What a 4.x worker factory returns: at least `execute(input, idx)`; `id`, `active`, `init`, `destroy`, `release` optional. */
export interface RunWorker<I, O> {
  id?: unknown;
  active?: boolean;
  /** Runs once before the worker's first input. */
  init?(): Promise<unknown> | unknown;
  /** Runs one input (`idx`: its position in the source). */
  execute(input: I, idx: number): Promise<O> | O;
  /** Ends the worker. */
  destroy?(): Promise<unknown> | unknown;
  /** Called when the worker is handed back after an input. */
  release?(): unknown;
}

/** A factory of workers (no parameters), or the execute function itself (it takes the input). */
export type RunWorkerInput<I, O> = (() => RunWorker<I, O> | Promise<RunWorker<I, O>>) | ((input: I, idx: number) => Promise<O> | O);

/** Options of travetto 4.x's static `WorkPool.run` / `runStream` / `runStreamProgress`. */
export interface RunOptions<I, O> {
  /** Most workers at once. Default: max(75% of the CPUs, 4), as in travetto. */
  max?: number;
  /** Workers kept at rest. Default 1. */
  min?: number;
  /** ms an idle worker lives (generic-pool's name). */
  idleTimeoutMillis?: number;
  /** Called with each output as it finishes (`finishIdx` counts from 1). */
  onComplete?(output: O, input: I, finishIdx: number): void;
  /** Called with each failure; the run goes on. */
  onError?(error: unknown, input: I, finishIdx: number): unknown;
  /** Aborting it stops pulling inputs and ends the workers once the running items settle. */
  shutdown?: AbortSignal;
}

const RUN_OPTION_NAMES = ['max', 'min', 'idleTimeoutMillis', 'onComplete', 'onError', 'shutdown'];

/** travetto's default pool size. */
export const DEFAULT_SIZE = Math.max(Math.trunc(availableParallelism() * 0.75), 4);

interface Job<I> {
  input: I;
  idx: number;
}

/** One 4.x worker as an engine PoolWorker: `execute(input, idx)`, then `release()` while it stays active. */
function engineWorker<I, O>(id: number, worker: RunWorker<I, O>): PoolWorker<Job<I>, O> {
  return {
    id,
    get active() {
      return worker.active !== false;
    },
    init: worker.init ? () => worker.init?.() : undefined,
    async execute(job) {
      try {
        return await worker.execute(job.input, job.idx);
      } finally {
        if (worker.active !== false) await Promise.resolve(worker.release?.()).catch(() => {});
      }
    },
    destroy: () => worker.destroy?.(),
  };
}

async function* indexed<I>(source: Source<I>): AsyncGenerator<Job<I>> {
  let idx = 0;
  for await (const input of source) yield { input, idx: (idx += 1) };
}

/**
 * Runs every input of `source` on workers from `factory` (a function of no parameters) or on
 * `execute` itself, at most `max` at once. `onComplete` / `onError` get each outcome with its
 * finishing index. Resolves once every input settled; if any failed, rejects with a
 * WorkPoolResultError listing every error (its `cause` is the first, what travetto 5.x threw).
 */
export async function run<I, O>(factory: RunWorkerInput<I, O>, source: Source<I>, options: RunOptions<I, O> = {}): Promise<void> {
  if (typeof factory !== 'function')
    throw new InvalidOptionError('workerFactory', factory, 'a worker factory () => worker, or an execute function (input, idx) => output');
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'an object');
  checkOptionNames(options, RUN_OPTION_NAMES, 'WorkPool.run');
  for (const name of ['onComplete', 'onError'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new InvalidOptionError(name, options[name], 'a function');
  }
  if (options.shutdown !== undefined && !(options.shutdown instanceof AbortSignal))
    throw new InvalidOptionError('shutdown', options.shutdown, 'an AbortSignal');
  const make =
    factory.length === 0
      ? async () => (await (factory as () => RunWorker<I, O> | Promise<RunWorker<I, O>>)()) as RunWorker<I, O>
      : () => ({ execute: factory as (input: I, idx: number) => Promise<O> | O });
  const max = options.max ?? DEFAULT_SIZE;
  const pool = new EngineWorkPool<Job<I>, O>(async ({ id }) => engineWorker(id, await make()), {
    maxWorkers: max,
    minWorkers: Math.min(options.min ?? 1, max),
    maxRetries: 0,
    ...(options.idleTimeoutMillis === undefined ? {} : { maxIdleTime: options.idleTimeoutMillis }),
  });
  const errors: unknown[] = [];
  let finishIdx = 0;
  const stop = () => void pool.close();
  options.shutdown?.addEventListener('abort', stop, { once: true });
  try {
    await pool.process(indexed(source), {
      onResult: (result) => {
        finishIdx += 1;
        if (result.ok) options.onComplete?.(result.value, result.input.input, finishIdx);
        else {
          errors.push(result.error);
          options.onError?.(result.error, result.input.input, finishIdx);
        }
      },
    });
  } finally {
    options.shutdown?.removeEventListener('abort', stop);
    await pool.close();
  }
  if (errors.length > 0) throw new WorkPoolResultError(errors);
}

/** run(), with each output as an async iterable (ends when the run does). */
export function runStream<I, O>(factory: RunWorkerInput<I, O>, source: Source<I>, options: RunOptions<I, O> = {}): AsyncIterable<O> {
  const out = new AsyncQueue<O>();
  run(factory, source, {
    ...options,
    onComplete: (value, input, finishIdx) => {
      out.add(value);
      options.onComplete?.(value, input, finishIdx);
    },
  }).then(
    () => out.close(),
    () => out.close(), // as travetto: failures reach onError; the stream ends
  );
  return out;
}

/** runStream(), with each output's finishing index and the expected `total`. */
export function runStreamProgress<I, O>(
  factory: RunWorkerInput<I, O>,
  source: Source<I>,
  total: number,
  options: RunOptions<I, O> = {},
): AsyncIterable<{ idx: number; value: O; total: number }> {
  const out = new AsyncQueue<{ idx: number; value: O; total: number }>();
  run(factory, source, {
    ...options,
    onComplete: (value, input, finishIdx) => {
      out.add({ idx: finishIdx, value, total });
      options.onComplete?.(value, input, finishIdx);
    },
  }).then(
    () => out.close(),
    () => out.close(),
  );
  return out;
}
