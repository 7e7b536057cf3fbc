import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { WORKER_EXEC_ARGV, workerModule } from '../adapters/common.js';
import { type AdapterSpec, closeWithin, type Runtime, startPoolWithIds } from '../adapters/index.js';
import { settle } from '../settle.js';
import type { Metric, Workload } from './types.js';

export interface RssParams {
  /** ms of rest (between garbage collections) before each RSS reading. */
  settleMs: number;
}

const MiB = 1024 * 1024;
const SIZES = { full: { settleMs: 400 }, quick: { settleMs: 150 } };

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
 * Starts a fresh pool after a rest of `settleMs` with gc in this process (every worker answered
 * one task), rests again, reads `measure` on it and always closes it. `measure` gets this
 * process's RSS from just before the start and the ids the workers answered.
 */
async function measureFreshPool(
  spec: AdapterSpec,
  workers: number,
  settleMs: number,
  measure: (before: number, ids: Set<unknown>) => Promise<Record<string, number>>,
): Promise<Record<string, number>> {
  await settle(settleMs);
  const before = process.memoryUsage.rss();
  const { pool, ids } = await startPoolWithIds(spec, workers);
  try {
    await settle(settleMs);
    return await measure(before, ids);
  } finally {
    await closeWithin(pool);
  }
}

function rssWorkload(
  id: string,
  runtime: Runtime,
  metrics: Metric[],
  describe: Workload<RssParams>['describe'],
  sampler: Workload<RssParams>['session'],
): Workload<RssParams> {
  return {
    id,
    title: `idle RSS per worker, ${runtime === 'thread' ? 'threads' : 'processes'}`,
    runtimes: [runtime],
    metrics,
    pooled: false,
    warmupRounds: 1,
    quickBudgetSeconds: 7,
    sizes: SIZES,
    describe,
    session: sampler,
  };
}

/**
 * Idle RSS per worker, threads: this process's RSS after starting a pool (every worker answered
 * one task, then rest) minus its RSS just before, divided by the worker count. Pools are fresh
 * for each sample and closed right after the reading.
 */
export const idleRss = rssWorkload(
  'idle-rss',
  'thread',
  [{ key: 'mb', label: 'MB/worker', unit: 'MB', better: 'lower', digits: 2 }],
  (p) => `RSS delta of a fresh pool after start + ${p.settleMs} ms rest with gc, per worker (MiB)`,
  async (params, workers) => {
    await primeThreads(workers);
    return {
      sample: (spec) => measureFreshPool(spec, workers, params.settleMs, async (before) => ({ mb: (process.memoryUsage.rss() - before) / workers / MiB })),
    };
  },
);

/** VmRSS and RssAnon (kB in /proc/<pid>/status) of a child process, in MiB. */
async function childRss(pid: number): Promise<{ rss: number; anon: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]) / 1024;
  };
  return { rss: field('VmRSS'), anon: field('RssAnon') };
}

/**
 * Idle RSS per worker, processes: the mean VmRSS of the pool's child processes (the pids their
 * no-op task answered), and its anonymous part (RssAnon: heap, stacks, V8 and malloc; without
 * the node binary's and libraries' file pages, which the children share), read from /proc after
 * start (every worker answered one task) and rest. Nothing runs a gc in the children: measured,
 * one makes their RSS grow (~0.2 MB), not shrink. Linux only (/proc).
 */
export const idleRssProcesses = rssWorkload(
  'idle-rss-processes',
  'process',
  [
    { key: 'mb', label: 'MB/worker', unit: 'MB', better: 'lower', digits: 2 },
    { key: 'anon', label: 'anon MB/worker', unit: 'MB', better: 'lower', digits: 2 },
  ],
  (p) => `VmRSS (and RssAnon) of each child process of a fresh pool after start + ${p.settleMs} ms rest, mean per worker (MiB, /proc/<pid>/status)`,
  async (params, workers) => ({
    async sample(spec) {
      return measureFreshPool(spec, workers, params.settleMs, async (_before, ids) => {
        const pids = [...ids];
        if (!pids.every((pid) => Number.isInteger(pid) && pid !== process.pid))
          throw new Error(`${spec.name}: the workers answered ${pids.join(', ')}, not child pids`);
        const readings = await Promise.all(pids.map((pid) => childRss(pid as number)));
        const mean = (key: 'rss' | 'anon') => readings.reduce((sum, reading) => sum + reading[key], 0) / readings.length;
        return { mb: mean('rss'), anon: mean('anon') };
      });
    },
  }),
);
