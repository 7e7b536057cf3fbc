import { Worker } from 'node:worker_threads';
import { InOrderReplies, WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { AdapterSpec } from './types.js';

/**
 * The floor for threads: bare worker_threads Workers, one postMessage each way per task,
 * pipelined (no per-worker limit), tasks dealt round-robin. No error handling, no queue.
 */
export const rawThread: AdapterSpec = {
  name: 'raw worker_threads',
  runtime: 'thread',
  role: 'raw',
  payloadMode: 'transfer',
  notes: 'bare Worker, round-robin, pipelined',
  create() {
    const workers: Worker[] = [];
    const replies: InOrderReplies[] = [];
    let next = 0;
    const call = (task: number, arg?: unknown, transfer?: ArrayBuffer[]): Promise<any> => {
      const i = next++ % workers.length;
      const reply = replies[i].expect();
      workers[i].postMessage([task, arg], transfer);
      return reply;
    };
    return {
      async start(count) {
        for (let i = 0; i < count; i++) {
          const worker = new Worker(workerModule('raw-thread.mjs'), { execArgv: WORKER_EXEC_ARGV });
          const inOrder = new InOrderReplies();
          worker.on('message', (value) => inOrder.settle(value));
          workers.push(worker);
          replies.push(inOrder);
        }
      },
      noop: () => call(0),
      payload: (buf) => call(1, buf, [buf]),
      cpu: (iterations) => call(2, iterations),
      async close() {
        await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
      },
    };
  },
};
