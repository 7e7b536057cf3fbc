/**
 * `workforcejs/compat`: the names and semantics of the libraries workforce grew from — Workestrator
 * (create with its checks, the Farm with its workers, events and error names, kill, serializers),
 * @probedjs/work-pool (WorkerPool) and @travetto/worker (v0's ExecutionPool and sources, v1's
 * WorkPool with max/min/idleTimeout, shutdown and InputSources, 4.x's static runs, channels with
 * listenFor/listenOnce, spawnedWorker in both signatures) — as thin adapters over the same engine.
 */

export {
  type ChannelWorker,
  ChildChannel,
  ChildExecution,
  ParentChannel,
  type SpawnedExecute,
  type SpawnedInit,
  spawnedWorker,
  type TravettoSpawnedConfig,
  type TravettoSpawnedHandlers,
  type TravettoSpawnedWorker,
  WorkUtil,
} from './channels.js';
export { MaxConcurrentCallsError, WorkerExitError, WorkerTerminatedError, WorkestratorOptionError, WorkPoolResultError } from './errors/index.js';
export { type ExecutionFunction, type ExecutionJob, ExecutionPool } from './execution-pool.js';
export { Farm, type FarmCall, type FarmMessage } from './farm.js';
export { FarmWorker } from './farm-worker.js';
export { WorkerPool, type WorkerPoolOptions, type WorkerPoolTaskOptions } from './probedjs.js';
export { WorkPool, type WorkPoolOptions } from './travetto-pool.js';
export type { RunOptions, RunWorker, RunWorkerInput } from './travetto-run.js';
export {
  type DataExecutionSource,
  DynamicAsyncIterator,
  IterableInputSource,
  IteratorExecutionSource,
  QueueExecutionSource,
  type TravettoInputSource,
} from './travetto-sources.js';
export { create, kill, serializers, type WorkestratorOptions } from './workestrator.js';
