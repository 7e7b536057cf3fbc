import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { WORKER_EXEC_ARGV, workerModule } from '../adapters/common.js';
import { closeWithin, startPool } from '../adapters/index.js';
import { settle } from '../settle.js';
import type { Workload } from './types.js';

export interface RssParams {
  /** ms of rest (between garbage collections) before each RSS reading. */
  settleMs: number;
}

const MiB = 1024 * 1024;

/**
 * Starts and ends `count` bare threads, so that the first library measured does not pay (or
 * profit from) the process's first thread start-up: allocator arenas, thread stacks.
 */
async function primeThreads(count: number): Promise<void> {
  const threads = Array.from({ length: count }, () => new Worker(workerModule('raw-thread.mjs'), { execArgv: WORKER_EXEC_ARGV }));
  try {
    await Promise.all(threads.map((thread) => once(thread, 'online')));
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

/**
 * Idle RSS per worker: this process's RSS after starting a pool (every worker answered one
 * task, then rest) minus its RSS just before, divided by the worker count. Pools are fresh for
 * each sample and closed right after the reading.
 */
export const idleRss: Workload<RssParams> = {
  id: 'idle-rss',
  title: 'idle RSS per worker, threads',
  runtimes: ['thread'],
  metrics: [{ key: 'mb', label: 'MB/worker', unit: 'MB', better: 'lower', digits: 2 }],
  pooled: false,
  warmupRounds: 1,
  quickBudgetSeconds: 7,
  sizes: { full: { settleMs: 400 }, quick: { settleMs: 150 } },
  describe: (p) => `RSS delta of a fresh pool after start + ${p.settleMs} ms rest with gc, per worker (MiB)`,
  async session(params, workers) {
    await primeThreads(workers);
    return {
      async sample(spec) {
        await settle(params.settleMs);
        const before = process.memoryUsage.rss();
        const pool = await startPool(spec, workers);
        try {
          await settle(params.settleMs);
          return { mb: (process.memoryUsage.rss() - before) / workers / MiB };
        } finally {
          await closeWithin(pool);
        }
      },
    };
  },
};
