/** travetto's channel method names (listenFor, listenOnce), on channels and on spawnedWorker's channel. */
import type { ChannelListener, MessageMap } from '../channel/channel.js';
import { ChildChannel as EngineChildChannel } from '../channel/child-channel.js';
import { ParentChannel as EngineParentChannel } from '../channel/parent-channel.js';
import { type SpawnedWorker, type SpawnedWorkerConfig, spawnedWorkerOn } from '../worker/spawned-worker.js';
import type { ExecuteContext } from '../worker/types.js';

/** travetto's ParentCommChannel: a ParentChannel that also answers to `listenFor` and `listenOnce`. */
export class ParentChannel<Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>> extends EngineParentChannel<Out, In> {
  /** travetto's name of `on`. */
  listenFor<K extends keyof In & string>(type: K, listener: ChannelListener<In[K]>): () => void {
    return this.on(type, listener);
  }

  /** travetto's name of `once`. */
  listenOnce<K extends keyof In & string>(type: K): Promise<In[K]> {
    return this.once(type);
  }
}

/** travetto's ChildCommChannel: a ChildChannel that also answers to `listenFor` and `listenOnce`. */
export class ChildChannel<Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>> extends EngineChildChannel<Out, In> {
  /** travetto's name of `on`. */
  listenFor<K extends keyof In & string>(type: K, listener: ChannelListener<In[K]>): () => void {
    return this.on(type, listener);
  }

  /** travetto's name of `once`. */
  listenOnce<K extends keyof In & string>(type: K): Promise<In[K]> {
    return this.once(type);
  }
}

/** spawnedWorker's handlers, each given the compat ParentChannel (travetto's names work on it). */
export interface TravettoSpawnedHandlers<I, O, Out extends MessageMap, In extends MessageMap> {
  init?(channel: ParentChannel<Out, In>): Promise<unknown> | unknown;
  execute(channel: ParentChannel<Out, In>, input: I, context: ExecuteContext): Promise<O> | O;
  destroy?(channel: ParentChannel<Out, In>): Promise<unknown> | unknown;
}

export interface TravettoSpawnedConfig<I, O, Out extends MessageMap, In extends MessageMap> extends Omit<SpawnedWorkerConfig<I, O, Out, In>, 'handlers'> {
  handlers: TravettoSpawnedHandlers<I, O, Out, In>;
}

/** A spawned worker whose channel is the compat ParentChannel. */
export interface TravettoSpawnedWorker<I, O, Out extends MessageMap, In extends MessageMap> extends SpawnedWorker<I, O, Out, In> {
  readonly channel: ParentChannel<Out, In>;
}

/** travetto's `WorkUtil.spawnedWorker`: workforce's spawnedWorker, whose handlers get a channel with `listenFor` / `listenOnce`. */
export function spawnedWorker<I = any, O = any, Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>>(
  command: string,
  config: TravettoSpawnedConfig<I, O, Out, In>,
): TravettoSpawnedWorker<I, O, Out, In> {
  // the handlers are called with the channel spawnedWorkerOn made, an instance of the class given
  return spawnedWorkerOn(ParentChannel, command, config as SpawnedWorkerConfig<I, O, Out, In>) as TravettoSpawnedWorker<I, O, Out, In>;
}

/** travetto's WorkUtil. */
export const WorkUtil = { spawnedWorker };
