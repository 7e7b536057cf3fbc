import { Piscina } from 'piscina';
import { WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { AdapterSpec } from './types.js';

export const piscina: AdapterSpec = {
  name: 'piscina',
  runtime: 'thread',
  role: 'peer',
  payloadMode: 'transfer',
  notes: 'concurrentTasksPerWorker 1 (default), atomics sync (default)',
  create() {
    let pool: Piscina | undefined;
    return {
      async start(workers) {
        pool = new Piscina({ filename: workerModule('esm.mjs'), minThreads: workers, maxThreads: workers, execArgv: WORKER_EXEC_ARGV });
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
