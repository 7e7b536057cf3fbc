import { Worker as NodeWorker, type ResourceLimits } from 'node:worker_threads';
import type { Link } from '../channel/link.js';
import { ThreadLink } from '../channel/thread-link.js';
import { workerEnv } from './node-options.js';
import { RUNTIME_URL } from './runtime-entry.js';
import { threadExecArgv } from './thread-exec-argv.js';

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
        env: typeof options.env === 'symbol' ? options.env : workerEnv(options.env ?? process.env, false),
        resourceLimits: options.resourceLimits,
        execArgv: options.execArgv ?? threadExecArgv(),
        stdout: options.stdout,
        stderr: options.stderr,
        name,
      }),
    );
}
