/**
 * The remote benchmark alone (bench/remote/bench.ts; `npm run bench` runs it too):
 *   npm run bench:remote [-- --quick] [--jobs=5000] [--rounds=3] [--concurrency=2,8] [--kinds=workforce,inline,plain,sandbox]
 */
import { parseArgs } from 'node:util';
import { type Kind, REMOTE_SIZES, redisServerAvailable, remoteBench, renderRemoteTable } from './remote/bench.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    kinds: { type: 'string' },
    jobs: { type: 'string' },
    rounds: { type: 'string' },
    concurrency: { type: 'string' },
  },
});
const sizes = REMOTE_SIZES[args.quick ? 'quick' : 'full'];
if (!redisServerAvailable()) {
  console.error('remote bench: no redis-server binary found (apt-get install redis-server)');
  process.exit(2);
}
const result = await remoteBench(
  {
    jobs: args.jobs ? Number(args.jobs) : sizes.jobs,
    rounds: args.rounds ? Number(args.rounds) : sizes.rounds,
    concurrencies: args.concurrency ? args.concurrency.split(',').map(Number) : sizes.concurrencies,
    kinds: args.kinds ? (args.kinds.split(',') as Kind[]) : undefined,
  },
  (line) => process.stderr.write(`${line}\n`),
);
console.log(renderRemoteTable(result));
