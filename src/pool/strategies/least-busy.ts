import type { WorkerHandle } from '../worker-handle.js';

/**
 * Least-busy assignment.
 *
 * Heuristic: a worker's expected time to drain is `(running + queued + 1) × mean run time`, where
 * the mean is the worker's own exponentially weighted task time (or the pool's mean while the
 * worker has no history, or 1 when nothing ran yet). A worker with a free slot always beats a
 * saturated one, so a burst spreads over every idle worker first; among equals the scan starts
 * after the last pick (round robin), so ties do not pile onto worker 0.
 */
export function leastBusy<I, O>(handles: readonly WorkerHandle<I, O>[], poolMeanRunTime: number, start: number): WorkerHandle<I, O> | undefined {
  let best: WorkerHandle<I, O> | undefined;
  let bestFree = false;
  let bestLoad = Number.POSITIVE_INFINITY;
  const n = handles.length;
  for (let k = 0; k < n; k++) {
    const h = handles[(start + k) % n];
    if (!h.accepting || h.pinnedOnly) continue;
    const free = h.state === 'ready' && h.free - h.queued > 0;
    const mean = h.meanRunTime || poolMeanRunTime || 1;
    const load = (h.running + h.queued + 1) * mean;
    if ((free && !bestFree) || (free === bestFree && load < bestLoad)) {
      best = h;
      bestFree = free;
      bestLoad = load;
    }
  }
  return best;
}
