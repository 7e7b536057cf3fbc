// WorkPools of in-memory workers for the process() tests (no thread or process, just timing), and a promise-state probe.
import { WorkPool } from 'workforcejs';
import { sleep } from '../helpers.js';

const made: WorkPool<unknown, unknown>[] = [];

/** Kills every pool memoryPool() made (use as an afterEach hook). */
export async function killMemoryPools(): Promise<void> {
  for (const pool of made.splice(0)) await pool.kill();
}

/**
 * A pool of `max` workers: each input waits `ms` (a number input: that many ms), 'bad' fails.
 * `ran` gets every input as it starts (pass one array to several pools to see them all), `log`
 * gets `done <input>` as it ends.
 */
export function memoryPool(max: number, ms = 10, ran: unknown[] = []): { pool: WorkPool<unknown, unknown>; ran: unknown[]; log: string[] } {
  const log: string[] = [];
  let ids = 0;
  const pool = new WorkPool<unknown, unknown>(
    () => ({
      id: ++ids,
      active: true,
      async execute(input: unknown) {
        ran.push(input);
        await sleep(typeof input === 'number' ? input : ms);
        log.push(`done ${input}`);
        if (input === 'bad') throw new Error('bad item');
        return input;
      },
      destroy() {},
    }),
    { maxWorkers: max, minWorkers: max },
  );
  made.push(pool);
  return { pool, ran, log };
}

/** 'pending', 'resolved' or 'rejected: message' after `ms`. */
export async function stateAfter(promise: Promise<unknown>, ms: number): Promise<string> {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    (e: Error) => (state = `rejected: ${e.message}`),
  );
  await sleep(ms);
  return state;
}
