import { type ChildProcess, fork } from 'node:child_process';
import type { Link } from '../channel/link.js';
import { ProcessLink } from '../channel/process-link.js';
import { workerEnv } from './node-options.js';
import { childExecArgv, RUNTIME_PATH } from './runtime-entry.js';

/** child_process.fork options of process workers (Workestrator's `fork`). */
export interface ForkOptions {
  args?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Default: the parent's execArgv without --inspect/--debug flags. */
  execArgv?: string[];
  execPath?: string;
  silent?: boolean;
}

const children = new Set<ChildProcess>();
let guarded = false;

/** However the parent ends, no forked worker outlives it (children also exit on IPC disconnect). */
function guard(): void {
  if (guarded) return;
  guarded = true;
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
}

/** Connects a module worker to a new forked Node process. */
export function processConnector(options: ForkOptions, extraExecArgv: string[] = []): () => Link {
  return () => {
    guard();
    const child = fork(RUNTIME_PATH, options.args ?? [], {
      cwd: options.cwd,
      env: workerEnv(options.env ?? process.env, true),
      execArgv: [...(options.execArgv ?? childExecArgv(process.execArgv, true)), ...extraExecArgv],
      execPath: options.execPath,
      silent: options.silent ?? false,
      serialization: 'advanced',
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return new ProcessLink(child);
  };
}

/** Pids of the live process workers this process forked (for leak checks). */
export function livePids(): number[] {
  return [...children].flatMap((c) => (c.pid === undefined || c.exitCode !== null || c.signalCode !== null ? [] : [c.pid]));
}
