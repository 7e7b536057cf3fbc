import { noopThroughput } from './noop.js';

export const noopThreads = noopThroughput(
  'noop-threads',
  'thread',
  {
    full: { tasks: 100_000, warmup: 10_000 },
    quick: { tasks: 20_000, warmup: 1_000 },
  },
  18,
);
