/**
 * `workforcejs/bullmq`: the same worker module served from many machines through BullMQ on Redis.
 * bullmq and ioredis are optional peer dependencies, loaded only through this entry point.
 */
export { JobRemovedError } from '../errors/job-removed-error.js';
export type { Runner, RunnerTaskOptions } from '../pool/runner.js';
export type { RedisConnection } from './connection.js';
export { DEFAULT_MAX_PAYLOAD_BYTES, type RemoteSerializerSpec } from './payload.js';
export { type QueueWorkerIo, type QueueWorkerOptions, runQueueWorker } from './queue-worker.js';
export { createRemotePool, RemotePool, type RemotePoolOptions, type RemoteTaskOptions } from './remote-pool.js';
export { QueueServer, type QueueServerCloseOptions, type QueueServerCloseResult, type ServeQueueOptions, serveQueue } from './serve-queue.js';
