import type { Adapter, Runtime } from '../adapters/index.js';
import type { Workload } from './types.js';

export interface NoopParams {
  tasks: number;
  /** No-op tasks run (untimed) right before each sample. */
  warmup: number;
}

/** Submits `count` no-op tasks at once and waits for all of them. */
export async function burst(pool: Adapter, count: number): Promise<void> {
  const calls = new Array<Promise<unknown>>(count);
  for (let i = 0; i < count; i++) calls[i] = pool.noop();
  await Promise.all(calls);
}

/** No-op throughput: `tasks` tasks submitted at once → tasks/s. */
export function noopThroughput(id: string, runtime: Runtime, sizes: Workload<NoopParams>['sizes'], quickBudgetSeconds: number): Workload<NoopParams> {
  return {
    id,
    title: `no-op throughput, ${runtime === 'thread' ? 'threads' : 'processes'}`,
    runtimes: [runtime],
    metrics: [{ key: 'rate', label: 'tasks/s', unit: 'tasks/s', better: 'higher', digits: 0 }],
    pooled: true,
    warmupRounds: 0,
    quickBudgetSeconds,
    sizes,
    describe: (p) => `${p.tasks} no-op tasks submitted at once (after ${p.warmup} untimed)`,
    async session(params) {
      return {
        async sample(_spec, pool) {
          await burst(pool!, params.warmup);
          const start = performance.now();
          await burst(pool!, params.tasks);
          return { rate: params.tasks / ((performance.now() - start) / 1000) };
        },
      };
    },
  };
}
