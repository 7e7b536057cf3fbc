import { Worker as NodeWorker, type ResourceLimits, type WorkerOptions } from 'node:worker_threads';
import type { Link } from '../channel/link.js';
import { ThreadLink } from '../channel/thread-link.js';
import { workerEnv } from './node-options.js';
import { RUNTIME_URL } from './runtime-entry.js';
import { threadExecArgv } from './thread-exec-argv.js';

/** Options of each worker thread (the `thread` pool option): environment, resource limits, argv and execArgv. */
export interface ThreadOptions {
  /** Environment of the thread (default: a copy of process.env). */
  env?: Record<string, string | undefined>;
  resourceLimits?: ResourceLimits;
  /** Default: inherited from the parent (see threadExecArgv). */
  execArgv?: string[];
  /** Pipe the thread's stdout/stderr instead of sharing the parent's. */
  stdout?: boolean;
  stderr?: boolean;
}

/** Connects a module worker to a new worker_threads thread. */
export function threadConnector(options: ThreadOptions, name: string): () => Link {
  return () =>
    new ThreadLink(
      new NodeWorker(RUNTIME_URL, {
        env: threadEnv(options.env),
        resourceLimits: options.resourceLimits,
        execArgv: options.execArgv ?? threadExecArgv(),
        stdout: options.stdout,
        stderr: options.stderr,
        name,
      }),
    );
}

/**
 * The thread's environment: left unset (a copy of process.env, the thread reading the parent's
 * flags as node itself does) unless the user gave one or NODE_OPTIONS must lose debugger flags.
 * Handing worker_threads an env object makes it re-parse NODE_OPTIONS-style flags from execArgv,
 * which drops every flag after one with a space-separated value (`--title x`).
 */
function threadEnv(env: ThreadOptions['env'] | symbol | undefined): WorkerOptions['env'] {
  if (typeof env === 'symbol') return env as WorkerOptions['env'];
  const cleaned = workerEnv(env ?? process.env, false);
  return env === undefined && cleaned === process.env ? undefined : cleaned;
}
