/**
 * `workforce/compat`: the names and semantics of the libraries workforce grew from — Workestrator
 * (create, kill, serializers, its option and error names), @probedjs/work-pool (WorkerPool) and
 * @travetto/worker (WorkPool with max/min/idleTimeout and shutdown, input sources, channels with
 * listenFor/listenOnce, spawnedWorker, v0's ExecutionPool) — as thin adapters over the same engine.
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
