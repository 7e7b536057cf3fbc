import workerpool from 'workerpool';
import { unsupported, WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { Adapter, AdapterSpec, Runtime } from './types.js';

type Pool = ReturnType<typeof workerpool.pool>;

function adapter(runtime: Runtime): Adapter {
  let pool: Pool | undefined;
  return {
    async start(workers) {
      pool = workerpool.pool(workerModule('workerpool.cjs'), {
        workerType: runtime,
        minWorkers: workers,
        maxWorkers: workers,
        ...(runtime === 'thread' ? { workerThreadOpts: { execArgv: WORKER_EXEC_ARGV } } : { forkOpts: { execArgv: WORKER_EXEC_ARGV } }),
      });
    },
    noop: () => pool!.exec('noop', []),
    payload: (buf) => (runtime === 'thread' ? pool!.exec('payload', [buf], { transfer: [buf] }) : unsupported('payload')),
    cpu: (iterations) => pool!.exec('spin', [iterations]),
    async close() {
      await pool?.terminate();
      pool = undefined;
    },
  };
}

export const workerpoolThread: AdapterSpec = {
  name: 'workerpool',
  runtime: 'thread',
  role: 'peer',
  payloadMode: 'transfer',
  notes: 'workerType thread, one task per worker (default)',
  create: () => adapter('thread'),
};

export const workerpoolProcess: AdapterSpec = {
  name: 'workerpool/process',
  runtime: 'process',
  role: 'peer',
  payloadMode: 'n/a',
  notes: 'workerType process, one task per worker (default)',
  create: () => adapter('process'),
};
