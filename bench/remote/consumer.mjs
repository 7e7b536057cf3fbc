// A bench consumer process: `workforce` (runQueueWorker over a thread pool), `inline` (the same
// over an inline pool: jobs in this process's own thread), `plain` (a BullMQ
// Worker running the no-op in-process) or `sandbox` (BullMQ's sandboxed file processor). Each
// prints `ready` once it takes jobs and stops on SIGTERM.
import { availableParallelism } from 'node:os';
import { Worker } from 'bullmq';
import { runQueueWorker } from 'workforcejs/bullmq';

const [kind, queue, url, concurrencyText, lockText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const { hostname: host, port } = new URL(url);
const connection = { host, port: Number(port) };
const locks = lockText ? { lockDuration: Number(lockText), stalledInterval: Number(lockText) / 2 } : {};

if (kind === 'workforce' || kind === 'inline') {
  const pool = kind === 'inline' ? { runtime: 'inline', concurrency } : threads(concurrency);
  process.exitCode = await runQueueWorker(
    { queue, connection, pool: { module: new URL('./noop.mjs', import.meta.url), ...pool }, ...locks },
    { stdout: process.stdout, stderr: process.stderr },
  );
} else {
  const processor = kind === 'sandbox' ? new URL('./noop-sandbox.cjs', import.meta.url) : async (job) => job.data;
  const worker = new Worker(queue, processor, { connection, concurrency, ...locks });
  worker.on('error', () => {});
  await worker.waitUntilReady();
  console.log('ready');
  process.once('SIGTERM', () => void worker.close());
}

/** The workforce pool of capacity `concurrency`: one thread per core of this machine at most, each running concurrency / threads calls at once. */
function threads(concurrency) {
  const workers = Math.min(concurrency, Math.max(1, availableParallelism()));
  if (concurrency % workers !== 0) throw new Error(`concurrency ${concurrency} is not a multiple of ${workers} threads`);
  return { numberOfWorkers: workers, concurrency: concurrency / workers };
}
