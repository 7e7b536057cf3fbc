// probedjs's affinity and nested tasks, on workforce's probedjs names ('workforcejs/compat'):
// a task that splits itself into nested tasks queued from inside a worker, run three ways:
//   light (probedjs's default inside a worker): an idle worker may steal the nested tasks;
//   force: every nested task runs on the worker that queued it;
// and a task with workerAffinity 'main', whose argument (a function) never leaves the main thread.
//
//   npm run example:affinity
import { WorkerPool } from 'workforcejs/compat';

const LEAVES = 16; // numbers 1..16 summed by a tree of nested tasks
const expected = (LEAVES * (LEAVES + 1)) / 2;
const pool = new WorkerPool(new URL('./worker.mjs', import.meta.url), { runtime: 'thread', numberOfWorkers: 2 });
const started = [];
pool.onMessage('started', (workerId) => started.push(workerId));
try {
  for (const strength of ['light', 'force']) {
    const { sum, workers } = await pool.addTask({ kind: 'tree', from: 1, to: LEAVES, strength });
    const ran = [...new Set(workers)].sort();
    console.log(`${strength}: ${workers.length} leaves, sum ${sum} (expected ${expected}), ran on worker${ran.length > 1 ? 's' : ''} ${ran.join(', ')}`);
  }
  const main = await pool.addTask({ kind: 'main', format: (n) => `the answer is ${n}` }, { workerAffinity: 'main' });
  console.log(`main: ${main}`);
  await pool.whenIdle();
  console.log(`workers started: ${started.map(String).sort().join(', ')}`);
} finally {
  await pool.dispose();
}
