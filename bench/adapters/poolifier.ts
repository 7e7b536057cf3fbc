import { once } from 'node:events';
import { FixedClusterPool, FixedThreadPool } from 'poolifier';
import { unsupported, WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { Adapter, AdapterSpec } from './types.js';

type Pool = FixedThreadPool<unknown, unknown> | FixedClusterPool<unknown, unknown>;

/**
 * poolifier 5.3.2's destroy() can wait forever: it listens for a worker's 'exit' only after
 * asking it to stop, and a worker that exits first is never seen (reproduced here after a few
 * thousand tasks). So the adapter watches the exits from the start and stops waiting for
 * destroy() once every worker has exited.
 */
function adapter(create: (workers: number) => Pool, payload: Adapter['payload'] | undefined): Adapter {
  let pool: Pool | undefined;
  let exited: Promise<unknown> | undefined;
  return {
    async start(workers) {
      pool = create(workers);
      exited = Promise.all(pool.workerNodes.map((node) => once(node.worker as NodeJS.EventEmitter, 'exit')));
    },
    noop: () => pool!.execute(undefined, 'noop'),
    payload: payload ?? (() => unsupported('payload')),
    cpu: (iterations) => pool!.execute(iterations, 'spin'),
    async close() {
      const closing = pool;
      pool = undefined;
      if (closing) await Promise.race([closing.destroy(), exited]);
    },
  };
}

export const poolifierThread: AdapterSpec = {
  name: 'poolifier',
  runtime: 'thread',
  role: 'peer',
  payloadMode: 'transfer',
  notes: 'FixedThreadPool, defaults (no tasks queue: tasks go straight to a worker)',
  create() {
    let pool: FixedThreadPool<unknown, unknown>;
    return adapter(
      (workers) => (pool = new FixedThreadPool(workers, workerModule('poolifier-thread.mjs'), { workerOptions: { execArgv: WORKER_EXEC_ARGV } })),
      (buf) => pool.execute(buf, 'payload', undefined, [buf]) as Promise<number>,
    );
  },
};

export const poolifierCluster: AdapterSpec = {
  name: 'poolifier/cluster',
  runtime: 'process',
  role: 'peer',
  payloadMode: 'n/a',
  notes: 'FixedClusterPool, defaults',
  create: () =>
    adapter((workers) => new FixedClusterPool(workers, workerModule('poolifier-cluster.cjs'), { settings: { execArgv: WORKER_EXEC_ARGV } }), undefined),
};
