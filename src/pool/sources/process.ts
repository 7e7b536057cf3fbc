import type { EventEmitter } from 'node:events';
import { PoolEvents } from '../events.js';
import { type InputSource, toAsyncIterator } from './input-source.js';

export type { InputSource } from './input-source.js';

export interface ProcessOptions<I, O> {
  /** Stop pulling at the first failed item and reject with its error (after in-flight items settle). */
  failFast?: boolean;
  /** Called with each item's outcome as it settles. */
  onResult?: (result: ItemResult<I, O>) => void;
}

export type ItemResult<I, O> = { input: I; ok: true; value: O } | { input: I; ok: false; error: unknown };

export interface ProcessSummary<I> {
  completed: number;
  failed: number;
  /** The failed items with their errors, in the order they failed. */
  errors: { input: I; error: unknown }[];
}

/**
 * Pulls items from `source` only while fewer than `bound` of them are in flight (backpressure),
 * runs each through `run`, and resolves once the source is exhausted and every item settled.
 */
export async function processSource<I, O>(
  source: InputSource<I>,
  run: (item: I) => Promise<O>,
  bound: number,
  events: EventEmitter,
  options: ProcessOptions<I, O>,
): Promise<ProcessSummary<I>> {
  const iterator = toAsyncIterator(source);
  const summary: ProcessSummary<I> = { completed: 0, failed: 0, errors: [] };
  let inflight = 0;
  let wake: (() => void) | undefined;
  let firstError: { error: unknown } | undefined;
  const slot = () => new Promise<void>((resolve) => (wake = resolve));

  const settle = (result: ItemResult<I, O>) => {
    inflight--;
    if (result.ok) {
      summary.completed++;
      events.emit(PoolEvents.ITEM, result.input, result.value);
    } else {
      summary.failed++;
      summary.errors.push({ input: result.input, error: result.error });
      if (events.listenerCount(PoolEvents.ITEM_ERROR) > 0) events.emit(PoolEvents.ITEM_ERROR, result.input, result.error);
      if (options.failFast && !firstError) firstError = { error: result.error };
    }
    options.onResult?.(result);
    const w = wake;
    wake = undefined;
    w?.();
  };

  for (;;) {
    if (firstError) break;
    if (inflight >= bound) {
      await slot();
      continue;
    }
    const next = await iterator.next();
    if (next.done) break;
    const input = next.value;
    inflight++;
    run(input).then(
      (value) => settle({ input, ok: true, value }),
      (error) => settle({ input, ok: false, error }),
    );
  }
  while (inflight > 0) await slot();
  if (firstError) {
    await iterator.return?.();
    throw firstError.error;
  }
  return summary;
}
