import type { ChildProcess } from 'node:child_process';
import { onExit } from 'signal-exit';
import { hasExited } from './child-exit.js';
import { Reaper } from './reaper.js';

/** Guarded children still running: signal-exit and the reaper act on these. */
const children = new Map<number, ChildProcess>();
const reaper = new Reaper(children);
/** Unregisters the signal-exit handler; set while some guarded child runs. */
let release: (() => void) | undefined;

/**
 * No child outlives this process: `child` gets SIGKILL when this process exits (process.exit, an
 * uncaught error, an empty event loop) or dies of a signal nothing else handles (SIGTERM, SIGINT,
 * SIGHUP, …). signal-exit then re-raises the signal, so this process still dies of it; when the
 * application has its own listener for that signal, the signal is left to it (and the children
 * are ended when it exits). The handler is only installed while a guarded child runs, so a
 * process without live children keeps Node's default signal handling.
 *
 * A parent ended by SIGKILL runs no code: the reaper (./reaper.ts), a small shell process
 * holding a pipe from this process, notices and ends the children then. A child that never
 * started (no pid) has nothing to end.
 */
export function guardChild(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || hasExited(child)) return;
  children.set(pid, child);
  reaper.started(pid);
  release ??= onExit(killChildren);
  child.once('exit', () => {
    children.delete(pid);
    reaper.ended(pid);
    if (children.size > 0) return;
    release?.();
    release = undefined;
  });
}

function killChildren(): void {
  for (const child of children.values()) child.kill('SIGKILL');
}

/**
 * Resolves once the guarding machinery a process let go is gone too (the reaper shell, ended
 * when the last guarded child exited, and its pipe): a pool's close() waits for it, so that no
 * process or handle of the pool outlives the promise.
 */
export function guardsSettled(): Promise<void> {
  return reaper.settled();
}
