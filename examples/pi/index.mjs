// Approximating π (Workestrator's example): a Monte-Carlo estimate computed once on the main
// thread, then split over a workforce pool of processes, with both timings.
//
//   npm run example:pi                      2e8 points, one process per CPU
//   node examples/pi/index.mjs 1e6          any number of points (or PI_POINTS=1e6)
//   PI_RUNTIME=thread node examples/pi/index.mjs   worker threads instead of processes
import { availableParallelism } from 'node:os';
import { createPool } from 'workforcejs';
import countInside from './calc.mjs';

const points = Number(process.argv[2] ?? process.env.PI_POINTS ?? 2e8);
if (!Number.isSafeInteger(points) || points < 1) {
  console.error(`usage: node examples/pi/index.mjs [points]   (a whole number ≥ 1, got ${process.argv[2] ?? process.env.PI_POINTS})`);
  process.exit(2);
}
const runtime = process.env.PI_RUNTIME ?? 'process';
const workers = availableParallelism();

function report(inside, ms) {
  const pi = (4 * inside) / points;
  console.log(`π ≈ ${pi}\t(${Math.abs(pi - Math.PI)} away from actual!)`);
  console.log(`took ${Math.round(ms)} milliseconds`);
}

console.log(`Doing it the slow (single-thread) way with ${points} points...`);
let start = performance.now();
report(countInside(points), performance.now() - start);

console.log(`\nDoing it the fast (${workers} ${runtime === 'thread' ? 'threads' : 'processes'}) way...`);
start = performance.now(); // starting the workers counts too
const pool = createPool({ module: new URL('./calc.mjs', import.meta.url), runtime, numberOfWorkers: workers });
try {
  // a few chunks per worker, so a slower worker does not hold everyone up
  const chunks = Math.min(points, workers * 4);
  const sizes = Array.from({ length: chunks }, (_, i) => Math.floor(points / chunks) + (i < points % chunks ? 1 : 0));
  const counts = await Promise.all(sizes.map((n) => pool.run(n)));
  report(
    counts.reduce((a, b) => a + b, 0),
    performance.now() - start,
  );
} finally {
  await pool.close();
}
