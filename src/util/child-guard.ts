import type { ChildProcess } from 'node:child_process';
import { onExit } from 'signal-exit';
import { reapWithParent } from './reaper.js';

const children = new Set<ChildProcess>();
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
 * holding a pipe from this process, notices and ends the children then.
 */
export function guardChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  children.add(child);
  reapWithParent(child);
  release ??= onExit(killChildren);
  const forget = () => {
    if (!children.delete(child) || children.size > 0) return;
    release?.();
    release = undefined;
  };
  child.once('exit', forget);
  // A child that never started emits 'error' and no 'exit'.
  child.once('error', () => {
    if (child.pid === undefined) forget();
  });
}

function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}
