import { Worker } from 'node:worker_threads';
import { TickBatches } from './batch.js';
import { WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { AdapterSpec } from './types.js';

/**
 * The batched floor for threads: bare worker_threads Workers; the tasks of one tick are dealt
 * round-robin and each worker gets its share as one postMessage and answers with one. No error
 * handling, no queue.
 */
export const rawThreadBatched: AdapterSpec = {
  name: 'raw worker_threads batched',
  runtime: 'thread',
  role: 'floor',
  payloadMode: 'transfer',
  notes: "bare Worker, a tick's tasks as one message each way per worker",
  create() {
    const workers: Worker[] = [];
    const batches = new TickBatches((i, batch, transfer) => workers[i].postMessage(batch, transfer));
    return {
      async start(count) {
        for (let i = 0; i < count; i++) {
          const worker = new Worker(workerModule('raw-thread-batched.mjs'), { execArgv: WORKER_EXEC_ARGV });
          worker.on('message', batches.addWorker());
          workers.push(worker);
        }
      },
      noop: () => batches.call(0),
      payload: (buf) => batches.call(1, buf, [buf]),
      cpu: (iterations) => batches.call(2, iterations),
      async close() {
        await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
      },
    };
  },
};
