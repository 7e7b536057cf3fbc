import { type ChildProcess, fork, type ForkOptions as NodeForkOptions, type SpawnOptions, type StdioOptions, spawn } from 'node:child_process';
import type { MessageMap } from '../channel/channel.js';
import { useLineChannel } from '../channel/line-link.js';
import { type ChannelExit, type ChannelTarget, checkKillOptions, ParentChannel, type ParentChannelOptions } from '../channel/parent-channel.js';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { WorkerCrashError } from '../errors/worker-crash-error.js';
import { guardChild } from '../util/child-guard.js';
import { strings } from '../util/validate.js';
import { requireTsxFor } from './runtime/typescript.js';
import { childExecArgv } from './runtime-entry.js';
import type { ExecuteContext, ExitInfo, PoolWorker } from './types.js';

/** How the child is started: child_process fork/spawn options, plus how it is ended. */
export interface SpawnedProcessOptions extends Omit<NodeForkOptions & SpawnOptions, 'stdio'> {
  /** 'fork' runs `command` as a Node script, 'spawn' runs it as a program. Default: fork for .js .mjs .cjs .ts .mts .cts files. */
  mode?: 'fork' | 'spawn';
  /** stdio of the child; an 'ipc' slot is added when missing. Default: inherit stdin/stdout/stderr. */
  stdio?: StdioOptions;
  /** ms between the graceful signal and SIGKILL when the worker is destroyed. Default 1000. */
  killTimeout?: number;
  /** The graceful signal. Default 'SIGTERM'. */
  killSignal?: NodeJS.Signals;
}

/** What runs on the pool's side of a spawned worker; each gets the worker's ParentChannel first. */
export interface SpawnedWorkerHandlers<I, O, Out extends MessageMap, In extends MessageMap> {
  /** Runs once before the first input, e.g. `channel.once('ready')`. */
  init?(channel: ParentChannel<Out, In>): Promise<unknown> | unknown;
  /** Runs one input: typically `send` a request and `once` the answer. Its result is the task's output. */
  execute(channel: ParentChannel<Out, In>, input: I, context: ExecuteContext): Promise<O> | O;
  /** Runs before the child is ended on a graceful destroy, while the channel is open. */
  destroy?(channel: ParentChannel<Out, In>): Promise<unknown> | unknown;
}

/** spawnedWorker's configuration: the program's arguments, how it is started, and the handlers that talk to it. */
export interface SpawnedWorkerConfig<I, O, Out extends MessageMap, In extends MessageMap> {
  args?: string[];
  opts?: SpawnedProcessOptions;
  handlers: SpawnedWorkerHandlers<I, O, Out, In>;
}

/** A PoolWorker backed by a child program; usable by WorkPool. */
export interface SpawnedWorker<I = unknown, O = unknown, Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>>
  extends PoolWorker<I, O> {
  readonly id: number;
  readonly channel: ParentChannel<Out, In>;
  readonly pid: number | undefined;
  /** Runs one input through `handlers.execute`; `context` may be left out when called by hand. */
  execute(input: I, context?: ExecuteContext): Promise<O>;
  /** Reports the child's exit (crash, or `planned` after destroy). */
  onExit(listener: (info: ExitInfo) => void): void;
}

const NODE_SCRIPT = /\.[cm]?[jt]s$/i;
const TS_SCRIPT = /\.[cm]?ts$/i;

/**
 * Makes any child program a worker (travetto's `WorkUtil.spawnedWorker`). A .js/.mjs/.cjs/.ts
 * `command` is forked with node (TypeScript through tsx, no configuration); anything else is
 * spawned with a pipe at the descriptor NODE_CHANNEL_FD names, so a program in any language can
 * answer by reading and writing `{ "type": …, "data": … }` JSON lines on it (Node's 'json' IPC
 * format, framed by workforce: a line that is not JSON ends that program with a
 * SerializationError as the cause of its crash, never the parent). With `serialization:
 * 'advanced'` the program gets Node's own IPC channel instead.
 *
 * When the child dies, `active` turns false, a running `execute` rejects with WorkerCrashError
 * (exitCode, signal, pid) and `onExit` listeners run, so a WorkPool replaces the worker and retries.
 */
export function spawnedWorker<I = any, O = any, Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>>(
  command: string,
  config: SpawnedWorkerConfig<I, O, Out, In>,
): SpawnedWorker<I, O, Out, In> {
  return spawnedWorkerOn(ParentChannel, command, config);
}

/** What spawnedWorkerOn builds its channel with: ParentChannel or a subclass of it. */
export type ParentChannelClass = new <Out extends MessageMap, In extends MessageMap>(
  target: ChannelTarget,
  options: ParentChannelOptions,
) => ParentChannel<Out, In>;

/** spawnedWorker() whose channel is an instance of `Channel` (the compat layer's ParentChannel, with its extra method names). */
export function spawnedWorkerOn<I, O, Out extends MessageMap, In extends MessageMap>(
  Channel: ParentChannelClass,
  command: string,
  config: SpawnedWorkerConfig<I, O, Out, In>,
): SpawnedWorker<I, O, Out, In> {
  // everything is checked before the child starts: a bad call must not leave a process behind
  checkSpawnConfig(command, config);
  const { args = [], opts = {}, handlers } = config;
  const { killTimeout: wait, killSignal: signal, ...launchOptions } = opts;
  const { killTimeout, killSignal } = checkKillOptions({ killTimeout: wait, killSignal: signal });
  const channel = new Channel<Out, In>(launch(command, args, launchOptions), { killTimeout, killSignal });
  const running = new Set<(exit: ChannelExit) => void>();
  const exitListeners: ((info: ExitInfo) => void)[] = [];
  let destroying = false;

  const crash = (exit: ChannelExit, cause?: unknown) => {
    const pid = channel.pid;
    const how = exit.signal ? `was killed by ${exit.signal}` : exit.exitCode !== null ? `exited with code ${exit.exitCode}` : 'is gone';
    return new WorkerCrashError(`Spawned worker ${command}${pid === undefined ? '' : ` (pid ${pid})`} ${how}`, {
      workerId: channel.id,
      exitCode: exit.exitCode,
      signal: exit.signal,
      pid,
      cause: cause ?? exit.cause,
    });
  };

  // A child that closed its channel but lingers is of no use: end it after the grace period.
  channel.onClose(() => {
    if (destroying) return;
    const timer = setTimeout(() => void channel.destroy(), killTimeout).unref();
    void channel.exited.then(() => clearTimeout(timer));
  });
  void channel.exited.then((exit) => {
    for (const fail of [...running]) fail(exit);
    for (const listener of exitListeners) listener({ ...exit, planned: destroying });
  });

  return {
    get id() {
      return channel.id;
    },
    get active() {
      return channel.active;
    },
    get pid() {
      return channel.pid;
    },
    channel,
    init: handlers.init ? () => handlers.init?.(channel) : undefined,
    execute(input, context) {
      if (!channel.active) {
        return crashOf(new ChannelClosedError('The channel to the spawned worker is closed')).then((error) => Promise.reject(error));
      }
      return new Promise<O>((resolve, reject) => {
        const gone = (exit: ChannelExit) => reject(crash(exit));
        running.add(gone);
        Promise.resolve()
          .then(() => handlers.execute(channel, input, context ?? { taskId: 0 }))
          .then(resolve, async (error) => reject(error instanceof ChannelClosedError ? await crashOf(error) : error))
          .finally(() => running.delete(gone));
      });
    },
    async destroy(options = {}) {
      destroying = true;
      try {
        if (!options.force && handlers.destroy && channel.active) await handlers.destroy(channel);
      } finally {
        await channel.destroy({ force: options.force });
      }
    },
    onExit(listener) {
      exitListeners.push(listener);
      const exit = channel.exit;
      if (exit) queueMicrotask(() => listener({ ...exit, planned: destroying }));
    },
  };

  /** A ChannelClosedError while running means the child went away: report the crash once its exit is known. */
  async function crashOf(error: ChannelClosedError): Promise<Error> {
    if (destroying) return error;
    const exit = await channel.exited;
    // what ended it (a line that is not JSON, a spawn error) says more than "the channel closed"
    return crash(exit, exit.cause ?? error);
  }
}

function checkSpawnConfig(command: unknown, config: unknown): void {
  if (typeof command !== 'string' || command === '') throw new InvalidOptionError('command', command, 'a program or script path');
  if (config === null || typeof config !== 'object') throw new InvalidOptionError('config', config, 'an object with handlers');
  const { args, opts, handlers } = config as Record<string, unknown>;
  strings('args', args);
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new InvalidOptionError('opts', opts, 'an object');
  if (handlers === null || typeof handlers !== 'object') throw new InvalidOptionError('handlers', handlers, 'an object with an execute function');
  const { init, execute, destroy } = handlers as Record<string, unknown>;
  if (typeof execute !== 'function') throw new InvalidOptionError('handlers.execute', execute, 'a function (channel, input) => output');
  for (const [name, fn] of [
    ['handlers.init', init],
    ['handlers.destroy', destroy],
  ] as const) {
    if (fn !== undefined && typeof fn !== 'function') throw new InvalidOptionError(name, fn, 'a function (channel) => …');
  }
}

/**
 * Starts the child. guardChild SIGKILLs it when the parent exits or dies of a fatal signal
 * (SIGTERM, SIGINT, SIGHUP, …), and the reaper (util/reaper.ts) when the parent is SIGKILLed
 * (it runs no code then); the child can also end itself when its IPC channel closes.
 */
function launch(command: string, args: string[], options: Omit<SpawnedProcessOptions, 'killTimeout' | 'killSignal'>): ChildProcess {
  const { mode, stdio, ...rest } = options;
  let child: ChildProcess;
  if (mode === 'fork' || (mode === undefined && NODE_SCRIPT.test(command))) {
    let execArgv = rest.execArgv ?? childExecArgv();
    // a .ts script: Node strips its types itself when it can, else tsx (MissingDependencyError without it)
    if (TS_SCRIPT.test(command) && !execArgv.some((arg) => arg.includes('tsx'))) {
      const tsx = requireTsxFor(command, 'tsx');
      if (tsx !== undefined) execArgv = [...execArgv, '--import', tsx];
    }
    child = fork(command, args, { serialization: 'advanced', ...rest, execArgv, ...(stdio === undefined ? {} : { stdio: withIpc(stdio) }) });
  } else if (rest.serialization === 'advanced') {
    // asked for Node's own serialization: the program is a Node program, on Node's IPC
    child = spawn(command, args, { ...rest, stdio: withIpc(stdio ?? 'inherit') });
  } else {
    // JSON lines on a plain pipe at the descriptor Node's IPC would use, read by workforce's
    // LineLink: a program writing a line that is not JSON fails, not the parent
    const slots = withIpc(stdio ?? 'inherit') as unknown[];
    const fd = slots.indexOf('ipc');
    slots[fd] = 'pipe';
    const env = { ...(rest.env ?? process.env), NODE_CHANNEL_FD: String(fd), NODE_CHANNEL_SERIALIZATION_MODE: 'json' };
    child = spawn(command, args, { ...rest, env, stdio: slots as StdioOptions });
    useLineChannel(child, fd);
  }
  guardChild(child);
  return child;
}

/** Adds the 'ipc' slot the channel needs. */
function withIpc(stdio: StdioOptions): StdioOptions {
  const slots = typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
  if (slots.includes('ipc')) return slots;
  while (slots.length < 3) slots.push('inherit');
  return [...slots, 'ipc'];
}
