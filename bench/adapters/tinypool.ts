import { Tinypool } from 'tinypool';
import { WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { AdapterSpec } from './types.js';

export const tinypool: AdapterSpec = {
  name: 'tinypool',
  runtime: 'thread',
  role: 'peer',
  payloadMode: 'transfer',
  notes: 'concurrentTasksPerWorker 1 (default)',
  create() {
    let pool: Tinypool | undefined;
    return {
      async start(workers) {
        pool = new Tinypool({ filename: workerModule('esm.mjs'), minThreads: workers, maxThreads: workers, execArgv: WORKER_EXEC_ARGV });
      },
      noop: () => pool!.run(undefined, { name: 'noop' }),
      payload: (buf) => pool!.run(buf, { name: 'payload', transferList: [buf] }),
      cpu: (iterations) => pool!.run(iterations, { name: 'spin' }),
      async close() {
        await pool?.destroy();
        pool = undefined;
      },
    };
  },
};
