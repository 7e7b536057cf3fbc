/**
 * workforce: run work in parallel on worker threads, child processes and spawned programs.
 * This is the only public entry point (worker modules import 'workforce/worker').
 */

export type { ChannelMessage, DataArgs, MessageListener, MessageMap } from './channel/channel.js';
export { ChildChannel } from './channel/child-channel.js';
export { type ChannelExit, type ChannelTarget, ParentChannel, type ParentChannelOptions } from './channel/parent-channel.js';
export { WorkerPool, type WorkerPoolOptions } from './compat/probedjs.js';
export {
  type DataExecutionSource,
  type ExecutionFunction,
  type ExecutionJob,
  ExecutionPool,
  QueueExecutionSource,
} from './compat/travetto.js';
export { create, kill, serializers } from './compat/workestrator.js';
/** Workestrator's and DESIGN.md's names for the same error classes. */
export {
  CallMaxRetryError,
  ChannelClosedError,
  type CrashDetail,
  InvalidOptionError,
  MethodNotFoundError,
  ModuleLoadError,
  PoolClosedError,
  QueueFullError,
  QueueFullError as MaxConcurrentCallsError,
  SerializationError,
  TaskAbortedError,
  TimeoutError,
  WorkerCrashError,
  WorkerCrashError as WorkerExitError,
  WorkerCrashError as WorkerTerminatedError,
  WorkforceError,
} from './errors/index.js';
export { type PoolEventName, PoolEvents } from './pool/events.js';
export { createPool, ModulePool, type PoolOptions, type Runtime } from './pool/module-pool.js';
export type { EngineOptions } from './pool/options.js';
export { killAll } from './pool/registry.js';
export type { Runner, RunnerTaskOptions } from './pool/runner.js';
export { AsyncQueue, DynamicAsyncIterator } from './pool/sources/async-queue.js';
export { type InputSource, IterableInputSource } from './pool/sources/input-source.js';
export type { ItemResult, ProcessOptions, ProcessSummary } from './pool/sources/process.js';
export type { Percentiles, PoolStats, WorkerStats } from './pool/stats.js';
export type { AffinityStrength, TaskOptions } from './pool/task.js';
export { type CloseOptions, WorkPool, type WorkPoolOptions } from './pool/work-pool.js';
export { CborSerializer, JsonSerializer, Serializer, type SerializerSpec, StructuredSerializer } from './serializer/index.js';
export type { WorkerContext } from './worker/context.js';
export type { ModuleWorker } from './worker/module-worker.js';
export type { ForkOptions } from './worker/process-worker.js';
export {
  type SpawnedProcessOptions,
  type SpawnedWorker,
  type SpawnedWorkerConfig,
  type SpawnedWorkerHandlers,
  spawnedWorker,
} from './worker/spawned-worker.js';
export type { ThreadOptions } from './worker/thread-worker.js';
export type { ExecuteContext, ExitInfo, Transferable, Worker, WorkerFactory } from './worker/types.js';
