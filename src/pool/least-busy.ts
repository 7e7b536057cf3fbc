/** The scheduler's choice of a worker for a call without affinity: the least busy one (no other strategy is offered). */
import type { WorkerHandle } from './worker-handle.js';

/** Mean task times below this (ms) count as equal: differences there are measurement noise. */
const MIN_MEAN_MS = 0.05;

/**
 * Least-busy assignment.
 *
 * Heuristic, in order:
 * 1. Tier: a worker with an idle slot (running + queued < concurrency + lent slots) beats one
 *    that can only take the call into its pipelining window (sent ahead, waiting in the worker),
 *    which beats a saturated one. A burst thus spreads over every idle worker first, and calls
 *    are sent ahead only when every worker is busy.
 * 2. Within a tier, the lowest expected time to drain: `(running + queued + 1) × mean run time`,
 *    the mean being the worker's own exponentially weighted task time (the pool's mean while the
 *    worker has no history, 1 ms when nothing ran yet), floored at MIN_MEAN_MS. In the window
 *    tier only the counts are compared: a few noisy sub-millisecond samples must not send a
 *    burst of calls ahead to one worker.
 * 3. Among equals the scan starts after the last pick (round robin), so ties do not pile onto
 *    worker 0.
 */
export function leastBusy<I, O>(handles: readonly WorkerHandle<I, O>[], poolMeanRunTime: number, start: number): WorkerHandle<I, O> | undefined {
  let best: WorkerHandle<I, O> | undefined;
  let bestTier = -1;
  let bestLoad = Number.POSITIVE_INFINITY;
  const n = handles.length;
  for (let k = 0; k < n; k++) {
    const h = handles[(start + k) % n];
    if (!h.accepting || h.pinnedOnly) continue;
    const tier = tierOf(h);
    // Sending ahead is a bet that calls are short: there, only the counts are compared.
    const mean = tier === 1 ? 1 : Math.max(h.meanRunTime || poolMeanRunTime || 1, MIN_MEAN_MS);
    const load = (h.running + h.queued + 1) * mean;
    if (tier > bestTier || (tier === bestTier && load < bestLoad)) {
      best = h;
      bestTier = tier;
      bestLoad = load;
    }
  }
  return best;
}

/** 2: an idle slot; 1: room in the pipelining window only; 0: saturated or not ready. */
function tierOf<I, O>(h: WorkerHandle<I, O>): number {
  if (h.state !== 'ready') return 0;
  const pending = h.running + h.queued;
  if (pending < h.concurrency + h.waiting) return 2;
  return h.free - h.queued > 0 ? 1 : 0;
}
