// Process inspection for the reliability tests (chaos, leaks, shutdown). Linux reads /proc;
// elsewhere the checks fall back to what process.kill(pid, 0) can tell.
import { readdirSync, readFileSync } from 'node:fs';
import { pidAlive } from '../helpers.js';

/** State letter and parent pid of a process, from /proc/<pid>/stat (undefined when unreadable). */
function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

const hasProc = (() => {
  try {
    readdirSync('/proc/self/task');
    return true;
  } catch {
    return false;
  }
})();

/**
 * True while the process runs. A zombie (dead, waiting for its parent to reap it; orphans wait
 * for init, which may take a while) counts as gone: process.kill(pid, 0) alone would say alive.
 */
export function running(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  if (!hasProc) return true;
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/** Pids of this process's running children (undefined without /proc). */
export function childPids(): number[] | undefined {
  if (!hasProc) return undefined;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s && s.ppid === process.pid && s.state !== 'Z' && s.state !== 'X') out.push(Number(entry));
  }
  return out;
}

/** OS threads of this process, worker threads among them (undefined without /proc). */
export function osThreads(): number | undefined {
  return hasProc ? readdirSync('/proc/self/task').length : undefined;
}
