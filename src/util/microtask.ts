/**
 * Runs `fn` on a microtask, as `queueMicrotask` does, without what Node's `queueMicrotask` adds per
 * call (an AsyncResource, a bound function, the async-hooks checks around the callback): the
 * hot paths flush a tick's batch this way, once per tick on each side of a worker. Same queue,
 * same order. `fn` must not throw (an exception would surface as an unhandled rejection).
 */
const settled = Promise.resolve();

export function onMicrotask(fn: () => void): void {
  settled.then(fn);
}
