import { fork } from 'node:child_process';
import type { Link } from '../channel/link.js';
import { ProcessLink } from '../channel/process-link.js';
import { guardChild } from '../util/child-guard.js';
import { workerEnv } from './node-options.js';
import { childExecArgv, PROCESS_RUNTIME_PATH } from './runtime-entry.js';

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

/**
 * Connects a module worker to a new forked Node process. However the parent ends, the child does
 * not outlive it: guardChild ends it on the parent's exit or fatal signal, the reaper
 * (util/reaper.ts) when the parent is SIGKILLed, and the child ends itself when its IPC channel
 * disconnects (if its event loop is free to notice).
 */
export function processConnector(options: ForkOptions, extraExecArgv: string[] = []): () => Link {
  return () => {
    const child = fork(PROCESS_RUNTIME_PATH, options.args ?? [], {
      cwd: options.cwd,
      env: workerEnv(options.env ?? process.env, true),
      execArgv: [...(options.execArgv ?? childExecArgv(process.execArgv, true)), ...extraExecArgv],
      execPath: options.execPath,
      silent: options.silent ?? false,
      serialization: 'advanced',
    });
    guardChild(child);
    return new ProcessLink(child);
  };
}
