import type { Task } from './task.js';
import type { WorkerHandle } from './worker-handle.js';

/** How far from the tail of a victim's queue a thief looks for a task it may take. */
const SCAN_LIMIT = 64;

/**
 * Work stealing: an idle worker takes a queued task from the tail of the busiest worker's queue.
 * Affinity rules (probedjs semantics):
 * - no affinity / 'light': may move freely;
 * - 'strong': moves only when the victim's queue is more than `strongThreshold` tasks longer
 *   than the thief's (the load is "too unbalanced");
 * - 'force': never moves.
 */
export function steal<I, O>(thief: WorkerHandle<I, O>, handles: readonly WorkerHandle<I, O>[], strongThreshold: number): Task<I, O> | undefined {
  let victim: WorkerHandle<I, O> | undefined;
  for (const h of handles) {
    if (h !== thief && h.queued > 0 && h.live && (!victim || h.queued > victim.queued)) victim = h;
  }
  if (!victim) return undefined;
  const imbalance = victim.queued - thief.queued;
  const limit = Math.min(victim.queue.length, SCAN_LIMIT);
  for (let i = 0; i < limit; i++) {
    const task: Task<I, O> | undefined = victim.queue.atBack(i);
    if (task?.state !== 'queued' || task.owner !== victim) continue;
    if (task.strength === 'force') continue;
    if (task.strength === 'strong' && task.affinity === victim.id && imbalance <= strongThreshold) continue;
    victim.stolen++;
    return task;
  }
  return undefined;
}
