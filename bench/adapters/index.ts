import { piscina } from './piscina.js';
import { poolifierCluster, poolifierThread } from './poolifier.js';
import { rawFork } from './raw-fork.js';
import { rawForkBatched } from './raw-fork-batched.js';
import { rawThread } from './raw-thread.js';
import { rawThreadBatched } from './raw-thread-batched.js';
import { tinypool } from './tinypool.js';
import type { AdapterSpec } from './types.js';
import { workerFarmAdapter } from './worker-farm.js';
import { workerpoolProcess, workerpoolThread } from './workerpool.js';
import { workforceProcess, workforceThread } from './workforce.js';

export { closeWithin, startPool, startPoolWithIds, withPool } from './common.js';
export type { Adapter, AdapterSpec, Role, Runtime } from './types.js';

/** Every library the benchmark runs, threads first; workloads pick those of their runtime. */
export const ADAPTERS: readonly AdapterSpec[] = [
  workforceThread,
  piscina,
  tinypool,
  workerpoolThread,
  poolifierThread,
  rawThread,
  rawThreadBatched,
  workforceProcess,
  workerFarmAdapter,
  poolifierCluster,
  workerpoolProcess,
  rawFork,
  rawForkBatched,
];
