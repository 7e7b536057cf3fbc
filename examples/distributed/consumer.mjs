// One consumer (what `workforce worker` runs): a BullMQ Worker in front of a local pool of two
// threads, serving the queue until SIGTERM. Short lock settings so a lost consumer is noticed in ~1.5 s.
import { runQueueWorker } from 'workforcejs/bullmq';

const [queue, redis] = process.argv.slice(2);
process.exitCode = await runQueueWorker(
  {
    queue,
    connection: redis,
    pool: { module: new URL('./worker.mjs', import.meta.url), numberOfWorkers: 2 },
    lockDuration: 1000,
    stalledInterval: 500,
  },
  { stdout: process.stdout, stderr: process.stderr },
);
