// Test doubles of the scheduler's units: tasks and ready worker handles built by hand (real classes, no pool).
import type { AffinityStrength, Task } from '../../../src/pool/task.js';
import { WorkerHandle } from '../../../src/pool/worker-handle.js';

let ids = 0;
export function task(affinity?: number, strength?: AffinityStrength): Task<number, number> {
  return {
    id: ++ids,
    input: ids,
    resolve: () => {},
    reject: () => {},
    state: 'queued',
    owner: undefined,
    affinity,
    strength: affinity === undefined ? undefined : (strength ?? 'light'),
    attempts: 0,
    signal: undefined,
    transfer: undefined,
    timeout: undefined,
    queuedAt: 0,
    unlisten: undefined,
    attempt: undefined,
  };
}

/** A ready worker handle with `running` calls and `queued` live tasks in its queue. */
export function worker(id: number, { running = 0, queued = 0, concurrency = 1, meanRunTime = 0, state = 'ready' as 'ready' | 'starting' } = {}) {
  const h = new WorkerHandle<number, number>(id, concurrency);
  if (state === 'ready') h.moveTo('ready');
  h.running = running;
  h.meanRunTime = meanRunTime;
  for (let i = 0; i < queued; i++) {
    const t = task();
    t.owner = h;
    h.queue.push(t);
    h.queued++;
  }
  return h;
}
