// CPU-heavy work, serial vs pooled: PBKDF2 key derivation (node:crypto, synchronous) of a batch of
// passwords, first one after the other on the main thread, then on a pool of worker threads.
// Same function, same inputs: the keys must be identical; only the time differs.
//
//   npm run example:hashing                  16 passwords × 100,000 iterations, one thread per CPU
//   node examples/hashing/index.mjs 8 1000   any count and iterations
import { availableParallelism } from 'node:os';
import { createPool } from 'workforcejs';
import hash from './hash.mjs';

const [count, iterations] = [process.argv[2] ?? 16, process.argv[3] ?? 100_000].map(Number);
if (![count, iterations].every((n) => Number.isSafeInteger(n) && n >= 1)) {
  console.error('usage: node examples/hashing/index.mjs [count] [iterations]   (whole numbers ≥ 1)');
  process.exit(2);
}
const inputs = Array.from({ length: count }, (_, index) => ({ password: `password-${index}`, index, iterations }));
const workers = availableParallelism();
console.log(`hashing ${count} passwords with PBKDF2-SHA512, ${iterations} iterations each`);

let start = performance.now();
const serial = inputs.map(hash);
const serialMs = performance.now() - start;
console.log(`serial (main thread): ${Math.round(serialMs)} ms`);

start = performance.now(); // starting the workers counts too
const pool = createPool({ module: new URL('./hash.mjs', import.meta.url), runtime: 'thread', numberOfWorkers: workers });
let pooled;
try {
  pooled = await Promise.all(inputs.map((input) => pool.run(input)));
} finally {
  await pool.close();
}
const pooledMs = performance.now() - start;
console.log(`pooled (${workers} threads): ${Math.round(pooledMs)} ms`);
console.log(`speed-up: ${(serialMs / pooledMs).toFixed(2)}x`);
console.log(`first key: ${pooled[0]}`);
console.log(`keys identical: ${pooled.every((key, i) => key === serial[i])}`);
