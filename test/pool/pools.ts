// Pools and pool messages for the pool tests: the module-pool fixture (mp-esm.mjs) on any runtime,
// the dur-worker.mjs pool of the crash and durability tests, and what tells workers apart.
import { createPool, type ModulePool, type ModuleWorker, type PoolOptions, type Runtime } from 'workforcejs';
import { fixture } from '../helpers.js';

/** Every runtime of the module pool (test/helpers.ts' RUNTIMES are the two with workers of their own). */
export const ALL_RUNTIMES = ['thread', 'process', 'inline'] as const satisfies readonly Runtime[];

/** The module-pool fixture: one module for threads, processes and inline workers. */
export const MODULE = fixture('mp-esm.mjs');

/** The crash and durability fixture: crashes, poison tasks, stubborn tasks, attempt counters. */
export const DUR_WORKER = fixture('dur-worker.mjs');

/**
 * A one-worker pool of `module` (mp-esm.mjs unless options say otherwise); closed by the caller.
 * execArgv [] (threads) and fork.execArgv [] (processes) keep the test runner's `--import tsx` out
 * of the workers, as a user's would be: their starts are several times faster. The fixtures are
 * plain JavaScript (a .ts module is loaded by the pool itself). Inline workers take neither.
 */
export function modulePool(runtime: Runtime, options: Partial<PoolOptions> = {}): ModulePool {
  return createPool({ module: MODULE, runtime, numberOfWorkers: 1, execArgv: [], fork: { execArgv: [] }, ...options });
}

/** A one-worker pool of dur-worker.mjs (see modulePool). */
export function durPool(runtime: Runtime, options: Partial<PoolOptions> = {}): ModulePool {
  return modulePool(runtime, { module: DUR_WORKER, ...options });
}

/** What `whoami()` of the fixtures answers. */
export interface Who {
  workerId: number;
  threadId: number;
  pid: number;
}

/**
 * What tells two workers of a runtime apart: a thread's threadId, a process's pid. Inline workers
 * all share the main thread (threadId 0, the test's pid): only their pool ids differ.
 */
export function identity(runtime: Runtime, who: Who): number {
  if (runtime === 'process') return who.pid;
  return runtime === 'thread' ? who.threadId : who.workerId;
}

/** identity() of a pool's worker, as `pool.workers` shows it. */
export function workerIdentity(runtime: Runtime, worker: ModuleWorker): number | string | undefined {
  if (runtime === 'process') return worker.pid;
  return runtime === 'thread' ? worker.threadId : worker.id;
}

/** Pids of the pool's live process workers. */
export function pids(p: ModulePool): number[] {
  return p.workers.map((w) => w.pid).filter((pid): pid is number => typeof pid === 'number');
}

/** Collects every message of `type` the pool receives, with the sender's worker id. */
export function collect<T = unknown>(p: ModulePool, type: string): { content: T; workerId: number | string }[] {
  const seen: { content: T; workerId: number | string }[] = [];
  p.onMessage(type, (content, workerId) => seen.push({ content: content as T, workerId }));
  return seen;
}

/** Resolves with the first `type` message whose content satisfies `match`. */
export function nextMessage<T = unknown>(p: ModulePool, type: string, match: (content: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no "${type}" message within ${ms} ms`));
    }, ms);
    const off = p.onMessage(type, (content) => {
      if (!match(content as T)) return;
      clearTimeout(timer);
      off();
      resolve(content as T);
    });
  });
}
