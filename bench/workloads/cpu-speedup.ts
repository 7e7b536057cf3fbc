import { spin } from '../workers/tasks.cjs';
import type { Workload } from './types.js';

export interface CpuParams {
  tasks: number;
  /** Target duration of one task on the main thread (the busy loop is calibrated to it). */
  ms: number;
}

/** Iterations of `spin` that take about `ms` on this thread (median of a few timings). */
export function calibrate(ms: number): number {
  let iterations = 100_000;
  for (;;) {
    const start = performance.now();
    spin(iterations);
    const took = performance.now() - start;
    if (took > 10) {
      const timings: number[] = [];
      const estimate = Math.round((iterations * ms) / took);
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        spin(estimate);
        timings.push(performance.now() - t);
      }
      timings.sort((a, b) => a - b);
      return Math.round((estimate * ms) / timings[1]);
    }
    iterations *= 4;
  }
}

/**
 * CPU-bound speed-up: `tasks` equal busy-loop tasks submitted at once to the pool, against the
 * same tasks run one after the other on the main thread (measured before each round).
 */
export const cpuSpeedup: Workload<CpuParams> = {
  id: 'cpu-speedup',
  title: 'CPU-bound speed-up',
  runtimes: ['thread', 'process'],
  metrics: [{ key: 'speedup', label: 'speed-up', unit: '×', better: 'higher', digits: 2 }],
  pooled: true,
  warmupRounds: 0,
  quickBudgetSeconds: 6,
  sizes: { full: { tasks: 16, ms: 50 }, quick: { tasks: 8, ms: 30 } },
  describe: (p) => `${p.tasks} × ~${p.ms} ms busy loop at once vs the same run sequentially on the main thread`,
  async session(params, workers) {
    const iterations = calibrate(params.ms);
    let sequentialMs = 0;
    const baselines: number[] = [];
    return {
      async beforeRound() {
        const start = performance.now();
        for (let i = 0; i < params.tasks; i++) spin(iterations);
        sequentialMs = performance.now() - start;
        baselines.push(sequentialMs);
      },
      async sample(_spec, pool) {
        await Promise.all(Array.from({ length: workers }, () => pool!.cpu(Math.ceil(iterations / 10))));
        const start = performance.now();
        await Promise.all(Array.from({ length: params.tasks }, () => pool!.cpu(iterations)));
        return { speedup: sequentialMs / (performance.now() - start) };
      },
      info: () => ({ iterationsPerTask: iterations, sequentialMs: baselines }),
    };
  },
};
