import { type ChildProcess, spawn } from 'node:child_process';

/** The reaper's name in `ps` (its $0), so tools and tests can tell it from the workers. */
export const REAPER_NAME = 'workforce-reaper';

/**
 * A POSIX shell loop: it reads "+pid" (a child started) and "-pid" (it ended) lines from its
 * stdin; when stdin closes — this process is gone, however it died, SIGKILL included — it SIGKILLs
 * the pids still listed, then exits. Pure sh, no fork per line.
 */
const SCRIPT = `pids=""
while IFS= read -r line; do
  case "$line" in
    +*) pids="$pids \${line#+}" ;;
    -*) left=""; for p in $pids; do [ "$p" = "\${line#-}" ] || left="$left $p"; done; pids="$left" ;;
  esac
done
for p in $pids; do kill -9 "$p" 2>/dev/null; done`;

/** undefined: not running; null: unavailable here (Windows, no /bin/sh, spawn refused). */
let reaper: ChildProcess | null | undefined;
/** Children the running reaper watches; at 0 it is let go, so an ended pool leaves nothing. */
let watched = 0;

/**
 * Ends `child` when this process dies, even by SIGKILL (which runs no code of ours) and even
 * while the child is stuck in CPU work that keeps it from noticing its IPC channel close. One
 * small shell process (about 1 MB) serves every child of this process: it holds the read end of
 * a pipe only this process writes to, and the kernel closes that pipe when this process dies.
 * It is unref'd: it never keeps this process alive; it exits with this process, or once no
 * child is left to watch (the next child starts a new one).
 */
export function reapWithParent(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  const current = sidecar();
  const stdin = current?.stdin;
  if (!current || !stdin?.writable) return;
  stdin.write(`+${pid}\n`);
  watched++;
  child.once('exit', () => {
    if (stdin.writable) stdin.write(`-${pid}\n`);
    if (--watched > 0 || reaper !== current) return;
    // no child left to watch: EOF lets the shell exit (it kills nothing: the list is empty)
    stdin.end();
    reaper = undefined;
  });
}

function sidecar(): ChildProcess | undefined {
  if (reaper !== undefined) return reaper ?? undefined;
  reaper = null;
  if (process.platform === 'win32') return undefined;
  try {
    const child = spawn('/bin/sh', ['-c', SCRIPT, REAPER_NAME], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    child.on('error', () => {
      if (reaper === child) reaper = null; // no /bin/sh: children still end on IPC disconnect and with this process's exit or signals
    });
    child.stdin?.on('error', () => {});
    child.unref();
    (child.stdin as unknown as { unref?(): void } | null)?.unref?.();
    reaper = child;
  } catch {
    reaper = null;
  }
  return reaper ?? undefined;
}
