// Cancelling calls: a pool-wide timeout, an AbortController, AbortSignal.timeout(), and a call
// that ignores its signal (its worker is replaced; the pool goes on).
//
//   npm run example:abort
//
// maxRetries: 0 makes every outcome below the same whether or not the pool retries a timed-out
// call by default: a timeout rejects with TimeoutError itself, never with CallMaxRetryError.
import { createPool, TaskAbortedError, TimeoutError } from 'workforcejs';

const pool = createPool({
  module: new URL('./worker.mjs', import.meta.url),
  runtime: 'thread',
  numberOfWorkers: 1,
  timeout: 500, // ms a call may run
  cancelGracePeriod: 200, // ms a timed-out or aborted call gets to stop before its worker is ended
  maxRetries: 0,
});

/** What a call settled with, as one line. */
async function outcome(promise) {
  const start = performance.now();
  const took = () => `${Math.round(performance.now() - start)} ms`;
  try {
    return `resolved ${JSON.stringify(await promise)} after ${took()}`;
  } catch (error) {
    if (error instanceof TimeoutError) return `TimeoutError after ${took()} (timeout ${error.timeout} ms)`;
    if (error instanceof TaskAbortedError) return `TaskAbortedError after ${took()} (reason: ${error.reason?.name}: ${error.reason?.message})`;
    throw error;
  }
}

try {
  console.log(`fast call: ${await outcome(pool.run({ n: 7, ms: 10 }))}`);
  console.log(`slow call: ${await outcome(pool.run({ n: 7, ms: 5_000 }))}`);

  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('user cancelled')), 100);
  console.log(`aborted call: ${await outcome(pool.addTask({ n: 7, ms: 5_000 }, { signal: controller.signal }))}`);

  console.log(`AbortSignal.timeout(100): ${await outcome(pool.addTask({ n: 7, ms: 5_000 }, { signal: AbortSignal.timeout(100) }))}`);

  const before = await pool.runMethod('pid');
  console.log(`call ignoring its signal: ${await outcome(pool.runMethod('stubborn', 2_000))}`);
  const after = await pool.runMethod('pid');
  console.log(`worker replaced: ${before !== after} (worker ${before} -> ${after})`);
  console.log(`the pool goes on: ${await outcome(pool.run({ n: 8, ms: 10 }))}`);
} finally {
  await pool.close();
}
