// The worker of examples/abort: one function that stops when its task's signal fires, and one
// that ignores it (its worker is replaced once the grace period is over).
import { setTimeout as sleep } from 'node:timers/promises';
import { workerContext } from 'workforcejs/worker';

/** Waits `ms` (cooperatively: the wait ends as soon as the task is aborted or times out), then squares `n`. */
export default async function slowSquare({ n, ms }) {
  const signal = workerContext.signal; // read at the task's synchronous start: always this task's
  await sleep(ms, undefined, { signal });
  return n * n;
}

/** Spins for `ms` without ever looking at its signal. */
export function stubborn(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return 'finished anyway';
}

export function pid() {
  return workerContext.workerId;
}
