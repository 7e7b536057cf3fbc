// The library's own loop over the same input, as a script would write it: read the file, one
// pool.run per line, write the results. Usage: node pool-loop.mjs IN OUT WORKERS
import { readFileSync, writeFileSync } from 'node:fs';
import { createPool } from 'workforcejs';

const [input, output, workers] = process.argv.slice(2);
const pool = createPool({ module: new URL('./tiny.mjs', import.meta.url), numberOfWorkers: Number(workers) });
const lines = readFileSync(input, 'utf8')
  .split('\n')
  .filter((line) => line !== '');
const results = await Promise.all(lines.map((line) => pool.run(JSON.parse(line))));
writeFileSync(output, results.map((result) => `${JSON.stringify(result)}\n`).join(''));
await pool.close();
