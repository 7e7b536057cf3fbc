import type { ChildProcess } from 'node:child_process';

/** The child process has exited (or was ended by a signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
