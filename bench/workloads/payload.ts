import type { Adapter } from '../adapters/index.js';
import type { Workload } from './types.js';

export interface PayloadParams {
  roundTrips: number;
  warmup: number;
  /** Round trips kept in flight (the same for every library). */
  inFlight: number;
  bytes: number;
}

/** `count` round trips of a fresh `bytes`-long ArrayBuffer, `inFlight` at a time; checks every reply. */
async function roundTrips(pool: Adapter, count: number, inFlight: number, bytes: number): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      const seen = await pool.payload(new ArrayBuffer(bytes));
      if (seen !== bytes) throw new Error(`the worker saw ${seen} bytes instead of ${bytes}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/** 1 MiB ArrayBuffer to a worker and a small reply back (transferred where the library can). */
export const payload: Workload<PayloadParams> = {
  id: 'payload',
  title: '1 MiB payload round trip, threads',
  runtimes: ['thread'],
  metrics: [{ key: 'rate', label: 'round trips/s', unit: 'round trips/s', better: 'higher', digits: 0 }],
  pooled: true,
  warmupRounds: 0,
  quickBudgetSeconds: 4,
  sizes: {
    full: { roundTrips: 2_000, warmup: 200, inFlight: 4, bytes: 1 << 20 },
    quick: { roundTrips: 300, warmup: 50, inFlight: 4, bytes: 1 << 20 },
  },
  describe: (p) => `${p.roundTrips} round trips of a fresh ${p.bytes >> 20} MiB ArrayBuffer, ${p.inFlight} in flight (after ${p.warmup} untimed)`,
  async session(params) {
    return {
      async sample(_spec, pool) {
        await roundTrips(pool!, params.warmup, params.inFlight, params.bytes);
        const start = performance.now();
        await roundTrips(pool!, params.roundTrips, params.inFlight, params.bytes);
        return { rate: params.roundTrips / ((performance.now() - start) / 1000) };
      },
    };
  },
};
