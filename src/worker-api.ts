/** `workforcejs/worker`: what a worker module imports. */
export type { ChannelListener, ChannelMessage, MessageMap } from './channel/channel.js';
export { ChildChannel } from './channel/child-channel.js';
export { type WorkerContext, workerContext } from './worker/context.js';
export type { TaskFunction, WorkerFunction, WorkerHook, WorkerHooks } from './worker/entry-types.js';
export type { NestedOptions } from './worker/protocol.js';
