import type { EventEmitter } from 'node:events';
import { InvalidOptionError } from '../../errors/invalid-option-error.js';
import { PoolClosedError } from '../../errors/pool-closed-error.js';
import { flag } from '../../util/validate.js';
import { PoolEvents } from '../events.js';
import type { FeedGate } from './feed-gate.js';
import { type InputSource, toAsyncIterator } from './input-source.js';

export type { InputSource } from './input-source.js';

/** Options of `process(source, options)`: how a run over an input source stops and reports each item. */
export interface ProcessOptions<I, O> {
  /** Stop pulling at the first failed item and reject with its error (after in-flight items settle). */
  failFast?: boolean;
  /**
   * Called with each item's outcome as it settles. If it throws (as an `item` / `itemError`
   * listener may), process() stops pulling and rejects with that error once in-flight items settle.
   */
  onResult?: (result: ItemResult<I, O>) => void;
}

/** One item's outcome, as `onResult` sees it: its value, or the error it failed with. */
export type ItemResult<I, O> = { input: I; ok: true; value: O } | { input: I; ok: false; error: unknown };

/** What `process()` resolves with once the source is exhausted (or the pool stopped): counts and the failed items. */
export interface ProcessSummary<I> {
  /** Items that succeeded. */
  completed: number;
  /** Items that failed (each is in `errors`). */
  failed: number;
  /** The failed items with their errors, in the order they failed. */
  errors: { input: I; error: unknown }[];
  /** The pool was closed, shut down or killed before the source ended: the rest of it was not pulled. */
  stopped: boolean;
}

/** An early stop: the pending `next()` is not awaited. */
const STOP = Symbol('stop');

/**
 * Items pulled in one go before they are submitted together. A pool sends the calls submitted in
 * one tick to a worker in one message; items submitted one per pull would each cost a message.
 */
const BATCH_MAX = 32;

/**
 * Pulls items from `source` one slot of the pool's `gate` at a time (backpressure), runs each
 * through `run`, and resolves once the source is exhausted and every item settled — or, when
 * the pool stops first, once the items already pulled settled (`stopped: true`).
 *
 * It stops pulling at once — without waiting for a pending `next()`, whose source is told with
 * `return()` — on the first failure under `failFast`, on a throwing `onResult` or item listener,
 * and when the pool stops. A source whose `next()` rejects ends the run with that error. Errors
 * reject process() only after every item it submitted settled.
 */
export async function processSource<I, O>(
  source: InputSource<I>,
  run: (item: I) => Promise<O>,
  gate: FeedGate,
  events: EventEmitter,
  options: ProcessOptions<I, O>,
): Promise<ProcessSummary<I>> {
  if (gate.stopped) throw new PoolClosedError('The pool was closed before process() started');
  if (options.onResult !== undefined && typeof options.onResult !== 'function') throw new InvalidOptionError('onResult', options.onResult, 'a function');
  if (options.failFast !== undefined) flag('failFast', options.failFast);
  const iterator = toAsyncIterator(source);
  const summary: ProcessSummary<I> = { completed: 0, failed: 0, errors: [], stopped: false };
  let inflight = 0;
  let drained: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  let halted = false;
  let ended = false; // the source reported done or threw: it needs no return()
  let interrupt: (() => void) | undefined;
  /**
   * Items pulled (each holding the slot it was pulled with) and not yet submitted: submitted
   * together, in pull order, once BATCH_MAX are held, at the end of the event-loop turn in which
   * the feed began to wait (for a slot, or for a source with nothing ready), and when it stops —
   * never held past a turn.
   */
  let batch: I[] = [];
  let batchTimer: NodeJS.Immediate | undefined;

  const halt = () => {
    if (halted) return;
    halted = true;
    submitBatch(); // pulled before the stop: they run (a closing pool still takes them)
    interrupt?.();
    if (!ended) release(iterator, fail);
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    halt();
  };
  const unsubscribe = gate.onStop(() => {
    if (!ended && !failure) summary.stopped = true;
    halt();
  });
  const guard = (callback: () => void) => {
    try {
      callback();
    } catch (error) {
      fail(error);
    }
  };

  const settle = (result: ItemResult<I, O>) => {
    inflight--;
    if (result.ok) {
      summary.completed++;
      guard(() => events.emit(PoolEvents.ITEM, result.input, result.value));
    } else {
      summary.failed++;
      summary.errors.push({ input: result.input, error: result.error });
      if (options.failFast && !summary.stopped) fail(result.error);
      if (events.listenerCount(PoolEvents.ITEM_ERROR) > 0) guard(() => events.emit(PoolEvents.ITEM_ERROR, result.input, result.error));
    }
    if (options.onResult) guard(() => options.onResult?.(result));
    if (inflight === 0) drained?.();
  };

  const submitBatch = () => {
    if (batchTimer) clearImmediate(batchTimer);
    batchTimer = undefined;
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    for (const input of items) {
      inflight++;
      gate.spend();
      start(run, input).then(
        (value) => settle({ input, ok: true, value }),
        (error) => settle({ input, ok: false, error }),
      );
    }
    gate.wake();
  };

  /** A slot of the pool's gate: true once reserved, false when the run or the pool stopped. */
  const slot = () =>
    new Promise<boolean>((resolve) => {
      let granted: boolean | undefined;
      const cancel = gate.reserve((ok) => {
        granted = ok;
        resolve(ok);
      });
      // the feed waits: what it holds goes to the workers meanwhile — at the end of this turn, so the
      // slots that calls settling in this turn free up are filled into the same batch
      if (granted === undefined && batch.length > 0) batchTimer ??= setImmediate(submitBatch);
      interrupt = () => {
        cancel();
        resolve(false);
      };
    }).finally(() => (interrupt = undefined));
  let finished = false;
  /** An item pulled but not run because the run stopped: reported, never silently dropped. */
  const notRun = (input: I) => {
    const error = new PoolClosedError('Not run: process() stopped while this item was being pulled');
    if (finished) {
      if (events.listenerCount(PoolEvents.ITEM_ERROR) > 0) events.emit(PoolEvents.ITEM_ERROR, input, error);
      return;
    }
    summary.failed++;
    summary.errors.push({ input, error });
    if (events.listenerCount(PoolEvents.ITEM_ERROR) > 0) guard(() => events.emit(PoolEvents.ITEM_ERROR, input, error));
    if (options.onResult) guard(() => options.onResult?.({ input, ok: false, error }));
  };
  let pulling: Promise<IteratorResult<I>> | undefined;

  try {
    while (!halted) {
      // A slot first, so no source is pulled ahead of what the workers can run.
      const reserved = await slot();
      if (!reserved || halted) {
        if (reserved) gate.release();
        break;
      }
      // A source with nothing to hand over now (an empty AsyncQueue) gives the slot back while
      // it waits: an idle feed must not block other feeds or submit() callers.
      let holding = true;
      const idle = setImmediate(() => {
        submitBatch();
        holding = false;
        gate.release();
      });
      let next: IteratorResult<I> | typeof STOP;
      try {
        pulling = Promise.resolve(iterator.next());
        const pulled = pulling;
        next = await new Promise<IteratorResult<I> | typeof STOP>((resolve, reject) => {
          interrupt = () => resolve(STOP);
          pulled.then(resolve, reject);
        });
      } catch (error) {
        clearImmediate(idle);
        if (holding) gate.release();
        ended = true;
        fail(error);
        break;
      } finally {
        interrupt = undefined;
      }
      clearImmediate(idle);
      if (next === STOP || next.done) {
        if (holding) gate.release();
        if (next === STOP) {
          // the source may still hand over the item it was fetching: report it as not run
          pulling.then(
            (late) => !late.done && notRun(late.value),
            () => {},
          );
        } else ended = true;
        break;
      }
      pulling = undefined;
      const input = next.value;
      if (!holding) {
        // it waited: a slot again (another feed or a submit() may have the room now)
        const granted = !halted && (await slot());
        if (!granted || halted) {
          if (granted) gate.release();
          notRun(input);
          break;
        }
      }
      batch.push(input);
      if (batch.length >= BATCH_MAX) submitBatch();
    }
    submitBatch();
    // an item the source was about to hand over when the run stopped is reported, not dropped
    if (pulling) await Promise.race([pulling.catch(() => {}), new Promise((resolve) => setImmediate(resolve))]);
    if (inflight > 0) await new Promise<void>((resolve) => (drained = resolve));
  } finally {
    finished = true;
    unsubscribe();
  }
  if (failure) throw failure.error;
  return summary;
}

/** Runs one item; a `run` that throws fails that item. */
function start<I, O>(run: (item: I) => Promise<O>, input: I): Promise<O> {
  try {
    return run(input);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Tells a source the run stopped early (an AsyncQueue's consumer ends its own pending next(); a generator runs its finally blocks). */
function release<I>(iterator: AsyncIterator<I>, fail: (error: unknown) => void): void {
  try {
    const done = iterator.return?.();
    if (done && typeof done.then === 'function') done.then(undefined, fail);
  } catch (error) {
    fail(error);
  }
}
