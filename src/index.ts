/**
 * workforce: run work in parallel on worker threads, child processes and spawned programs.
 * The public entry point, one name per concept (worker modules import 'workforcejs/worker'; the
 * names of the libraries workforce grew from are in 'workforcejs/compat').
 */

export type { ChannelListener, ChannelMessage, DataArgs, MessageMap } from './channel/channel.js';
export { ChildChannel } from './channel/child-channel.js';
export { type ChannelExit, type ChannelTarget, ParentChannel, type ParentChannelOptions } from './channel/parent-channel.js';
export {
  CallMaxRetryError,
  ChannelClosedError,
  type CrashDetail,
  InvalidOptionError,
  MethodNotFoundError,
  MissingDependencyError,
  ModuleLoadError,
  PoolClosedError,
  QueueFullError,
  SerializationError,
  StartTimeoutError,
  TaskAbortedError,
  TimeoutError,
  WorkerCrashError,
  WorkforceError,
} from './errors/index.js';
export { type PoolEventName, PoolEvents, type WorkerExit } from './pool/events.js';
export type { PoolMessageListener } from './pool/message-listeners.js';
export { createPool, type ModulePool, type ModuleProcessOptions, type PoolOptions, type Runtime } from './pool/module-pool.js';
export { MAX_WORKERS } from './pool/options.js';
export { killAll } from './pool/registry.js';
export type { Runner, RunnerTaskOptions } from './pool/runner.js';
export { AsyncQueue } from './pool/sources/async-queue.js';
export type { InputSource } from './pool/sources/input-source.js';
export type { ItemResult, ProcessOptions, ProcessSummary } from './pool/sources/process.js';
export type { Percentiles, PoolStats, WorkerStats } from './pool/stats.js';
export type { AffinityStrength, TaskOptions } from './pool/task.js';
export type {
  DynamicArg,
  DynamicArgs,
  EntryOf,
  MethodArgs,
  MethodName,
  MethodResult,
  MethodTaskArg,
  ModulePoolEventMap,
  RunArgs,
  RunResult,
  TaskArg,
  UntypedModule,
} from './pool/typed.js';
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
export type { ExecuteContext, ExitInfo, PoolWorker, Transferable, WorkerFactory } from './worker/types.js';
