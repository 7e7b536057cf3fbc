/** travetto's channel method names (listenFor, listenOnce), on channels and on spawnedWorker's channel. */
import type { ChildProcess } from 'node:child_process';
import type { ChannelListener, MessageMap } from '../channel/channel.js';
import { ChildChannel as EngineChildChannel } from '../channel/child-channel.js';
import { ParentChannel as EngineParentChannel } from '../channel/parent-channel.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { type SpawnedWorker, type SpawnedWorkerConfig, spawnedWorkerOn } from '../worker/spawned-worker.js';
import type { ExecuteContext, PoolWorker } from '../worker/types.js';

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
  /** Runs once before the first input. */
  init?(channel: ParentChannel<Out, In>): Promise<unknown> | unknown;
  /** Runs one input; its result is the task's output. */
  execute(channel: ParentChannel<Out, In>, input: I, context: ExecuteContext): Promise<O> | O;
  /** Runs before the child is ended on a graceful destroy. */
  destroy?(channel: ParentChannel<Out, In>): Promise<unknown> | unknown;
}

export interface TravettoSpawnedConfig<I, O, Out extends MessageMap, In extends MessageMap> extends Omit<SpawnedWorkerConfig<I, O, Out, In>, 'handlers'> {
  handlers: TravettoSpawnedHandlers<I, O, Out, In>;
}

/** A spawned worker whose channel is the compat ParentChannel. */
export interface TravettoSpawnedWorker<I, O, Out extends MessageMap, In extends MessageMap> extends SpawnedWorker<I, O, Out, In> {
  readonly channel: ParentChannel<Out, In>;
}

/** travetto 4.x's spawnedWorker handlers: `init(channel)` once, `execute(channel, input)` per input. */
export type SpawnedInit<Out extends MessageMap, In extends MessageMap> = (channel: ParentChannel<Out, In>) => Promise<unknown> | unknown;
export type SpawnedExecute<I, O, Out extends MessageMap, In extends MessageMap> = (channel: ParentChannel<Out, In>, input: I) => Promise<O> | O;

/** What 4.x's spawnedWorker returns: a Worker (for `new WorkPool`) whose `execute(input)` also suits `WorkPool.run`. */
export interface ChannelWorker<I, O, Out extends MessageMap, In extends MessageMap> extends Omit<PoolWorker<I, O>, 'execute'> {
  readonly channel: ParentChannel<Out, In>;
  /** Runs one input through the `execute` function given to spawnedWorker, on this worker's child. */
  execute(input: I): Promise<O> | O;
}

/**
 * travetto's `WorkUtil.spawnedWorker`, in both generations: v1's `(command, { args, opts, handlers })`
 * (workforce's spawnedWorker, whose handlers get a channel with `listenFor` / `listenOnce`), and
 * 4.x's `(spawn, init, execute)`, where `spawn()` returns the ChildProcess (with an IPC channel)
 * the worker talks to; its `destroy()` ends that process.
 */
export function spawnedWorker<I = any, O = any, Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>>(
  command: string,
  config: TravettoSpawnedConfig<I, O, Out, In>,
): TravettoSpawnedWorker<I, O, Out, In>;
export function spawnedWorker<I = any, O = any, Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>>(
  spawn: () => ChildProcess,
  init: SpawnedInit<Out, In> | undefined,
  execute: SpawnedExecute<I, O, Out, In>,
): ChannelWorker<I, O, Out, In>;
export function spawnedWorker<I, O, Out extends MessageMap, In extends MessageMap>(
  commandOrSpawn: string | (() => ChildProcess),
  configOrInit?: TravettoSpawnedConfig<I, O, Out, In> | SpawnedInit<Out, In>,
  execute?: SpawnedExecute<I, O, Out, In>,
): PoolWorker<I, O> {
  if (typeof commandOrSpawn === 'function') {
    if (typeof execute !== 'function') throw new InvalidOptionError('execute', execute, 'a function (channel, input) => output');
    if (configOrInit !== undefined && typeof configOrInit !== 'function') throw new InvalidOptionError('init', configOrInit, 'a function (channel) => promise');
    return spawnedFromProcess(commandOrSpawn, configOrInit, execute);
  }
  // the handlers are called with the channel spawnedWorkerOn made, an instance of the class given
  return spawnedWorkerOn(ParentChannel, commandOrSpawn, configOrInit as SpawnedWorkerConfig<I, O, Out, In>) as TravettoSpawnedWorker<I, O, Out, In>;
}

function spawnedFromProcess<I, O, Out extends MessageMap, In extends MessageMap>(
  spawn: () => ChildProcess,
  init: SpawnedInit<Out, In> | undefined,
  execute: SpawnedExecute<I, O, Out, In>,
): ChannelWorker<I, O, Out, In> {
  const child = spawn();
  if (child === null || typeof child !== 'object' || typeof child.send !== 'function') {
    throw new InvalidOptionError('spawn', child, 'a function returning a ChildProcess with an IPC channel (fork, or spawn with "ipc" in stdio)');
  }
  const channel = new ParentChannel<Out, In>(child);
  let destroying = false;
  return {
    channel,
    get id() {
      return channel.id;
    },
    get active() {
      return channel.active;
    },
    onExit: (listener) => {
      channel.onExit((exit) => listener({ exitCode: exit.exitCode, signal: exit.signal, cause: exit.cause, planned: destroying }));
    },
    init: init ? () => init(channel) : undefined,
    execute: (input) => execute(channel, input),
    destroy: async (options) => {
      destroying = true;
      await channel.destroy(options);
    },
  };
}

/** travetto v0's ChildExecution: the parent's end of a child process's IPC channel (travetto v1 named it ParentCommChannel). */
export const ChildExecution = ParentChannel;
export type ChildExecution<Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>> = ParentChannel<Out, In>;

/** travetto's WorkUtil. */
export const WorkUtil = {
  /** See spawnedWorker. */
  spawnedWorker,
};
