import type { Adapter, AdapterSpec, Runtime } from '../adapters/index.js';

export type Mode = 'quick' | 'full';

export interface Metric {
  key: string;
  /** Shown in the table, e.g. 'p99'. */
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Decimals shown in the table. */
  digits: number;
}

/** One prepared run of a workload (after calibration), sampled once per library per round. */
export interface Session {
  /** Runs before each round, e.g. the sequential baseline of the speed-up. */
  beforeRound?(): Promise<void>;
  /**
   * One measurement of one library: `pool` is its started pool, shared by the rounds, when the
   * workload is `pooled`; otherwise the workload starts (and always closes) its own pools.
   */
  sample(spec: AdapterSpec, pool: Adapter | undefined): Promise<Record<string, number>>;
  /** Facts worth keeping in results.json (calibration, baselines). */
  info?(): Record<string, unknown>;
}

export interface Workload<P extends object = any> {
  id: string;
  title: string;
  /** Libraries of these runtimes run it; figures are compared within a runtime. */
  runtimes: readonly Runtime[];
  metrics: readonly Metric[];
  /** Whether samples run on the shared started pools (false: the workload starts its own). */
  pooled: boolean;
  /** Untimed rounds before the measured ones (full mode; quick mode relies on per-sample warm-ups). */
  warmupRounds: number;
  /** Seconds this workload may take in quick mode: it stops after the round that would exceed it (but runs at least 2). */
  quickBudgetSeconds: number;
  sizes: Record<Mode, P>;
  /** One line on what a sample does with these parameters. */
  describe(params: P): string;
  session(params: P, workers: number): Promise<Session>;
}
