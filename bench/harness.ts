import { type Adapter, type AdapterSpec, closeWithin, startPool } from './adapters/index.js';
import { type Measurements, summarize, type WorkloadResult } from './report.js';
import { settle } from './settle.js';
import type { Workload } from './workloads/index.js';

/**
 * Started pools, one per library, shared by the pooled workloads of a run and closed together
 * at its end (always: callers close in `finally`).
 */
export class PoolCache {
  readonly #pools = new Map<AdapterSpec, Promise<Adapter>>();
  constructor(readonly workers: number) {}

  get(spec: AdapterSpec): Promise<Adapter> {
    let pool = this.#pools.get(spec);
    if (!pool) {
      pool = startPool(spec, this.workers);
      this.#pools.set(spec, pool);
      // A failed start is not cached: the next round tries again.
      pool.catch(() => this.#pools.delete(spec));
    }
    return pool;
  }

  /** Closes every pool; reports (does not throw) failures so that all of them get closed. */
  async closeAll(onError: (spec: AdapterSpec, error: unknown) => void = () => {}): Promise<void> {
    const entries = [...this.#pools];
    this.#pools.clear();
    await Promise.all(
      entries.map(async ([spec, pool]) => {
        try {
          await closeWithin(await pool);
        } catch (error) {
          onError(spec, error);
        }
      }),
    );
  }
}

export interface RunOptions<P extends object> {
  params: P;
  /** Measured rounds (at most, with a budget). */
  rounds: number;
  /** Untimed rounds first. */
  warmupRounds?: number;
  /** Seconds after which no further round starts, once 2 rounds are in. */
  budgetSeconds?: number;
  workers: number;
  pools: PoolCache;
  /** ms of rest (with gc) before every sample. */
  restMs?: number;
  log?: (line: string) => void;
  /** Logs every sample. */
  verbose?: boolean;
}

/** `list` rotated left by `by`: each round starts with another library. */
function rotate<T>(list: readonly T[], by: number): T[] {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/**
 * Runs one workload over the libraries of its runtimes: warm-up rounds, then `rounds` rounds in
 * which every library is sampled once, in an order rotated each round (interleaved, so drift of
 * the machine spreads over all libraries). A library whose sample fails is reported and skipped.
 */
export async function runWorkload<P extends object>(workload: Workload<P>, specs: readonly AdapterSpec[], options: RunOptions<P>): Promise<WorkloadResult> {
  const log = options.log ?? (() => {});
  const eligible = specs.filter((spec) => workload.runtimes.includes(spec.runtime));
  const session = await workload.session(options.params, options.workers);
  const measurements: Measurements = new Map(eligible.map((spec) => [spec, new Map()]));
  const errors: Record<string, string> = {};
  const warmupRounds = options.warmupRounds ?? 0;
  const started = performance.now();
  let measuredStart = started;
  let rounds = 0;
  for (let round = -warmupRounds; round < options.rounds; round++) {
    if (round === 0) measuredStart = performance.now();
    else if (round >= 2 && options.budgetSeconds !== undefined) {
      const elapsed = (performance.now() - measuredStart) / 1000;
      if (elapsed + elapsed / round > options.budgetSeconds) break;
    }
    await session.beforeRound?.();
    for (const spec of rotate(eligible, round + warmupRounds)) {
      if (errors[spec.name]) continue;
      try {
        const pool = workload.pooled ? await options.pools.get(spec) : undefined;
        await settle(options.restMs ?? 20);
        const sampleStart = performance.now();
        const values = await session.sample(spec, pool);
        if (options.verbose) log(`    ${spec.name}: ${JSON.stringify(values)} in ${Math.round(performance.now() - sampleStart)} ms`);
        if (round < 0) continue;
        for (const [key, value] of Object.entries(values)) {
          const list = measurements.get(spec)!.get(key) ?? [];
          list.push(value);
          measurements.get(spec)!.set(key, list);
        }
      } catch (error) {
        errors[spec.name] = error instanceof Error ? error.message : String(error);
        log(`  ${workload.id}: ${spec.name} failed: ${errors[spec.name]}`);
      }
    }
    if (round >= 0) rounds++;
    log(`  ${workload.id}: ${round < 0 ? `warm-up round ${round + warmupRounds + 1}` : `round ${round + 1}/${options.rounds}`} done`);
  }
  return summarize(workload, options.params, measurements, {
    errors,
    rounds,
    info: session.info?.() ?? {},
    seconds: (performance.now() - started) / 1000,
  });
}
