// A TypeScript worker module on a pool, called with types taken from the module itself.
//
//   npm run example:typescript        (runs this file with tsx; the worker .ts needs no build)
import { createPool } from 'workforcejs';
import type countWords from './worker.js';
import type { shout, TextStats } from './worker.js';

const texts = ['the quick brown fox', 'jumps over the lazy dog', 'workforce runs TypeScript workers without a build step'];

const pool = createPool({ module: new URL('./worker.ts', import.meta.url), runtime: 'thread', numberOfWorkers: 2 });
try {
  // the result types come from the worker's own signatures
  const stats = await Promise.all(texts.map((text) => pool.run<ReturnType<typeof countWords>>(text)));
  for (const [i, s] of stats.entries()) console.log(`text ${i + 1}: ${s.words} words, longest "${s.longest}" (worker ${s.workerId})`);
  const total: TextStats['words'] = stats.reduce((sum, s) => sum + s.words, 0);
  console.log(`total: ${total} words`);
  const loud: ReturnType<typeof shout> = await pool.runMethod('shout', 'typed');
  console.log(`shout: ${loud}`);
} finally {
  await pool.close();
}
