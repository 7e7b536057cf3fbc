import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Adapter, AdapterSpec } from './types.js';

/** Absolute path of a task module in bench/workers. */
export function workerModule(name: string): string {
  return fileURLToPath(new URL(`../workers/${name}`, import.meta.url));
}

/**
 * Node flags of every worker thread and child process: none. `npm run bench` runs under
 * `--import tsx`, which worker threads (and forks, through process.execArgv) would otherwise
 * inherit, loading tsx into every worker; production workers are plain Node.
 */
export const WORKER_EXEC_ARGV: string[] = [];

/** For adapters whose runtime cannot carry the payload workload (it only runs on threads). */
export function unsupported(what: string): Promise<never> {
  return Promise.reject(new Error(`${what} is not measured on this runtime`));
}

/** Wraps a node-style callback API call in a promise. */
export function callback<T>(call: (done: (error: unknown, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs bursts of no-op tasks until every one of the `workers` workers has answered (so each
 * has started and loaded its task module), whatever the library's start-up and routing policy.
 * Resolves with the ids the workers answered (bench/workers/tasks.cjs: thread id, or pid).
 */
export async function untilEveryWorkerAnswers(adapter: Adapter, workers: number, timeoutMs = 30_000): Promise<Set<unknown>> {
  const seen = new Set<unknown>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < workers) {
    if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${workers} workers answered within ${timeoutMs} ms`);
    const ids = await Promise.all(Array.from({ length: 16 * workers }, () => adapter.noop()));
    for (const id of ids) seen.add(id);
    if (seen.size < workers) await sleep(5);
  }
  if (seen.size > workers) throw new Error(`${seen.size} distinct workers answered, expected ${workers}`);
  return seen;
}

/** Closes `adapter`, failing (instead of hanging the run) when that takes longer than `ms`. */
export async function closeWithin(adapter: Adapter, ms = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`close() did not finish within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([adapter.close(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates and starts a pool, then waits for all of its workers; closes it again if that fails. */
export async function startPool(spec: AdapterSpec, workers: number): Promise<Adapter> {
  return (await startPoolWithIds(spec, workers)).pool;
}

/** startPool, also giving the ids its workers answered (thread ids, or the pids of child processes). */
export async function startPoolWithIds(spec: AdapterSpec, workers: number): Promise<{ pool: Adapter; ids: Set<unknown> }> {
  const adapter = spec.create();
  try {
    await adapter.start(workers);
    return { pool: adapter, ids: await untilEveryWorkerAnswers(adapter, workers) };
  } catch (error) {
    await closeWithin(adapter).catch(() => {});
    throw error;
  }
}

/** Runs `use` on a freshly started pool and always closes the pool afterwards. */
export async function withPool<T>(spec: AdapterSpec, workers: number, use: (adapter: Adapter) => Promise<T>): Promise<T> {
  const adapter = await startPool(spec, workers);
  try {
    return await use(adapter);
  } finally {
    await closeWithin(adapter);
  }
}

/**
 * Replies of a bare channel that answers in order: a FIFO of pending promise settlers
 * (index-based, so 100k pipelined calls stay O(1) each).
 */
export class InOrderReplies {
  #resolvers: ((value: unknown) => void)[] = [];
  #head = 0;

  get pending(): number {
    return this.#resolvers.length - this.#head;
  }

  expect(): Promise<unknown> {
    return new Promise((resolve) => this.#resolvers.push(resolve));
  }

  settle(value: unknown): void {
    const resolve = this.#resolvers[this.#head];
    this.#resolvers[this.#head++] = undefined as never;
    if (this.#head === this.#resolvers.length) {
      this.#resolvers = [];
      this.#head = 0;
    }
    resolve?.(value);
  }
}

/** Kills the child processes of a raw fork adapter (emptying the list) and waits until each has exited. */
export async function stopChildren(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    }),
  );
}
