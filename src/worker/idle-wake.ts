/**
 * Wake-up of an idle thread worker without its event loop (the pool option `idleWait`).
 *
 * Two Int32s in a SharedArrayBuffer both sides see: a wake count, and whether the worker sleeps.
 * A worker with nothing to do and nothing pending (see runtime/idle-wait.ts) raises the flag and
 * blocks its thread in Atomics.wait on the count, for a bounded slice; the parent, after posting
 * any frame to it, lowers a raised flag, bumps the count and notifies. The woken worker takes the
 * frames off its port synchronously (receiveMessageOnPort) instead of through a libuv wake-up
 * and an event-loop turn. No extra message crosses the wire; a parent that finds the flag down
 * costs one atomic compare-and-swap per frame.
 */
export interface IdleWakeShare {
  counter: SharedArrayBuffer;
}

const WAKES = 0;
const SLEEPING = 1;

export class IdleWake {
  readonly #slots: Int32Array;

  constructor(share: IdleWakeShare) {
    this.#slots = new Int32Array(share.counter);
  }

  /** The parent's side: the shared words of a new thread. */
  static share(): IdleWakeShare {
    return { counter: new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT) };
  }

  /** The parent's side, after each frame posted: wakes the worker if it sleeps. */
  wake(): void {
    const slots = this.#slots;
    if (Atomics.compareExchange(slots, SLEEPING, 1, 0) === 1) {
      Atomics.add(slots, WAKES, 1);
      Atomics.notify(slots, WAKES);
    }
  }

  /**
   * The worker's side: what `take` finds on the port, waiting up to `ms` for something to arrive.
   * The flag goes up before the port is looked at, so a frame posted after that look finds the
   * flag raised (and wakes the wait), and one posted before it is found by the look.
   */
  sleep<T>(ms: number, take: () => T | undefined): T | undefined {
    const slots = this.#slots;
    Atomics.store(slots, SLEEPING, 1);
    const seen = Atomics.load(slots, WAKES);
    let found = take();
    if (found === undefined) {
      Atomics.wait(slots, WAKES, seen, ms);
      found = take();
    }
    Atomics.store(slots, SLEEPING, 0);
    return found;
  }
}
