import workerFarm from 'worker-farm';
import { callback, unsupported, WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { AdapterSpec } from './types.js';

type Farm = Record<string, (...args: any[]) => void>;

export const workerFarmAdapter: AdapterSpec = {
  name: 'worker-farm',
  runtime: 'process',
  role: 'peer',
  payloadMode: 'n/a',
  notes: 'maxConcurrentCallsPerWorker 10 (default), JSON IPC',
  create() {
    let farm: Farm | undefined;
    return {
      async start(workers) {
        farm = workerFarm({ maxConcurrentWorkers: workers, workerOptions: { execArgv: WORKER_EXEC_ARGV } }, workerModule('worker-farm.cjs'), ['noop', 'spin']);
      },
      noop: () => callback<number>((done) => farm!.noop(done)),
      payload: () => unsupported('payload'),
      cpu: (iterations) => callback<number>((done) => farm!.spin(iterations, done)),
      async close() {
        if (farm) await new Promise<void>((resolve) => workerFarm.end(farm!, () => resolve()));
        farm = undefined;
      },
    };
  },
};
