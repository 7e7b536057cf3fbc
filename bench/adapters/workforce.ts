import { createPool, type ModulePool } from 'workforcejs';
import { unsupported, WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { Adapter, AdapterSpec, Runtime } from './types.js';

function adapter(runtime: Runtime): Adapter {
  let pool: ModulePool | undefined;
  return {
    async start(workers) {
      pool = createPool({
        // processes: the CommonJS tasks module itself, as every process peer and raw fork load it
        // (an ESM module would add Node's ESM loader to each child, ~1 MB, see idle-rss-processes)
        module: workerModule(runtime === 'thread' ? 'esm.mjs' : 'tasks.cjs'),
        runtime,
        numberOfWorkers: workers,
        // processes: the JSON channel (fork.serialization 'json'), as the process peers use JSON IPC; Node's
        // 'advanced' channel (workforce's default, cheaper for large binary values) costs more per small message
        ...(runtime === 'thread' ? { execArgv: WORKER_EXEC_ARGV } : { fork: { execArgv: WORKER_EXEC_ARGV, serialization: 'json' } }),
      });
    },
    noop: () => pool!.runMethod('noop'),
    payload: (buf) => (runtime === 'thread' ? pool!.addTask<number>(buf, { method: 'payload', transfer: [buf] }) : unsupported('payload')),
    cpu: (iterations) => pool!.runMethod('spin', iterations),
    async close() {
      await pool?.close();
      pool = undefined;
    },
  };
}

export const workforceThread: AdapterSpec = {
  name: 'workforce',
  runtime: 'thread',
  role: 'workforce',
  payloadMode: 'transfer',
  notes: 'concurrency 1 (default)',
  create: () => adapter('thread'),
};

export const workforceProcess: AdapterSpec = {
  name: 'workforce/process',
  runtime: 'process',
  role: 'workforce',
  payloadMode: 'n/a',
  notes: "concurrency 1 (default), fork.serialization 'json' (JSON IPC carrying structured-clone values)",
  create: () => adapter('process'),
};
