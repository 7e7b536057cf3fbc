import { noopThroughput } from './noop.js';

export const noopProcesses = noopThroughput(
  'noop-processes',
  'process',
  {
    full: { tasks: 10_000, warmup: 1_000 },
    quick: { tasks: 3_000, warmup: 300 },
  },
  7,
);
