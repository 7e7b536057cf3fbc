import { type ChildProcess, fork } from 'node:child_process';
import { TickBatches } from './batch.js';
import { stopChildren, unsupported, WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { AdapterSpec } from './types.js';

/**
 * The batched floor for processes: bare child_process.fork children (default JSON IPC); the
 * tasks of one tick are dealt round-robin and each child gets its share as one send and
 * answers with one.
 */
export const rawForkBatched: AdapterSpec = {
  name: 'raw fork batched',
  runtime: 'process',
  role: 'floor',
  payloadMode: 'n/a',
  notes: "bare fork, a tick's tasks as one message each way per child, JSON IPC",
  create() {
    const children: ChildProcess[] = [];
    const batches = new TickBatches((i, batch) => children[i].send(batch));
    return {
      async start(count) {
        for (let i = 0; i < count; i++) {
          const child = fork(workerModule('raw-fork-batched.cjs'), [], { execArgv: WORKER_EXEC_ARGV });
          child.on('message', batches.addWorker());
          children.push(child);
        }
      },
      noop: () => batches.call(0),
      payload: () => unsupported('payload'),
      cpu: (iterations) => batches.call(2, iterations),
      close: () => stopChildren(children),
    };
  },
};
