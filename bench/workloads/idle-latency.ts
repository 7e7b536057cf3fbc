import type { Runtime } from '../adapters/index.js';
import type { Workload } from './types.js';

export interface LatencyParams {
  samples: number;
  warmup: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Single no-op tasks one after the other on an otherwise idle pool of `runtime` workers: p50 / p99 latency. */
export function idleLatencyOf(id: string, runtime: Runtime, quickBudgetSeconds: number): Workload<LatencyParams> {
  return {
    id,
    title: `idle latency, ${runtime === 'thread' ? 'threads' : 'processes'}`,
    runtimes: [runtime],
    metrics: [
      { key: 'p50', label: 'p50', unit: 'µs', better: 'lower', digits: 0 },
      { key: 'p99', label: 'p99', unit: 'µs', better: 'lower', digits: 0 },
    ],
    pooled: true,
    // untimed rounds first: a library's JIT warm-up (its first few thousand calls) is not idle latency
    warmupRounds: Number(process.env.WF_LATENCY_WARMUP_ROUNDS ?? 3),
    quickBudgetSeconds,
    sizes: { full: { samples: 2_000, warmup: 200 }, quick: { samples: 300, warmup: 50 } },
    describe: (p) => `${p.samples} sequential single no-op tasks (after ${p.warmup} untimed)`,
    async session(params) {
      return {
        async sample(_spec, pool) {
          for (let i = 0; i < params.warmup; i++) await pool!.noop();
          const latencies = new Float64Array(params.samples);
          for (let i = 0; i < params.samples; i++) {
            const start = performance.now();
            await pool!.noop();
            latencies[i] = (performance.now() - start) * 1000;
          }
          latencies.sort();
          return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
        },
      };
    },
  };
}

/** Idle latency of thread workers (the id predates the process variant). */
export const idleLatency = idleLatencyOf('idle-latency', 'thread', 3);

/** Idle latency of process workers. */
export const idleLatencyProcesses = idleLatencyOf('idle-latency-processes', 'process', 4);
