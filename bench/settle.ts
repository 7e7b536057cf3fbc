import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFunction: (() => void) | undefined;

/** global.gc when node runs with --expose-gc; otherwise exposes it at run time. */
function getGc(): () => void {
  if (gcFunction) return gcFunction;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return (gcFunction = exposed);
  setFlagsFromString('--expose-gc');
  gcFunction = runInNewContext('gc') as () => void;
  return gcFunction;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full garbage collections of this thread's heap, with a turn of the event loop between them. */
export async function collectGarbage(times = 2): Promise<void> {
  const gc = getGc();
  for (let i = 0; i < times; i++) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Lets the process come to rest: collects garbage, waits `ms`, collects again. */
export async function settle(ms: number): Promise<void> {
  await collectGarbage();
  if (ms > 0) await sleep(ms);
  await collectGarbage(1);
}
