/**
 * A thread worker's idle wait (the pool option `idleWait`, see ../idle-wake.ts): once nothing
 * runs and nothing is pending, the worker blocks its thread in Atomics.wait until the pool posts a
 * frame, and takes the frames off its port synchronously.
 *
 * It only ever waits from a setImmediate callback (every microtask and nextTick has run) and only
 * when the runtime says it is idle (no call running or queued, no nested call awaited, not closing)
 * and the event loop holds nothing but the port to the pool: a timer, a socket, a file request, a
 * MessagePort of the user's or console output not yet written keeps it in the event loop, and
 * it waits again only after the next results went out. Each wait lasts at most SLICE ms, then
 * the event loop turns once (zero-timeout poll) before the next: what the loop holds without
 * keeping it alive (an unref'd timer or handle) is served at most SLICE ms late, and the port's
 * 'close' is seen. terminate() interrupts the wait.
 */
import type { IdleWake } from '../idle-wake.js';

/** Longest single wait, ms. */
export const SLICE = 20;

export interface IdleHost {
  /** Nothing of the runtime's own runs, is queued or awaited. */
  idle(): boolean;
  /** The next frame on the port to the pool, taken now; undefined when there is none. */
  take(): { message: unknown } | undefined;
  /** Handles a frame as if it had come as a 'message' event. */
  receive(frame: unknown): void;
}

/** Whether the event loop holds nothing but the port to the pool (a thread's parentPort). */
export function onlyThePort(): boolean {
  const resources = process.getActiveResourcesInfo();
  return resources.length === 1 && resources[0] === 'MessagePort';
}

export class IdleWait {
  #armed = false;

  constructor(
    private readonly wake: IdleWake,
    private readonly host: IdleHost,
  ) {}

  /** Waits on the next turn of the event loop, if the worker is idle then. */
  arm(): void {
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#armed = false;
    const { host } = this;
    if (!host.idle() || !onlyThePort()) return;
    let next = this.wake.sleep(SLICE, host.take);
    // nothing within the slice: let the event loop turn once, then wait again
    if (next === undefined) return this.arm();
    do host.receive(next.message);
    while ((next = host.take()) !== undefined);
    // what the frames started runs once this callback returns; waiting resumes when it is done
    this.arm();
  };
}
