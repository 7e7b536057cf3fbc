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

/** undefined: not running; null: unavailable here (Windows, no /bin/sh). */
let reaper: ChildProcess | null | undefined;
/** Live children the reaper watches; at none it is let go, so an ended pool leaves nothing. */
const watched = new Set<number>();

/**
 * Ends `child` when this process dies, even by SIGKILL (which runs no code of ours) and even
 * while the child is stuck in CPU work that keeps it from noticing its IPC channel close. One
 * small shell process (about 1.6 MB) serves every child of this process: it holds the read end
 * of a pipe only this process writes to, and the kernel closes that pipe when this process dies.
 * It is unref'd: it never keeps this process alive; it exits with this process, or once no
 * child is left to watch (the next child starts a new one). A reaper that dies is replaced and
 * told every live child again; one that could not start (say, out of file descriptors) is tried
 * again with the next child.
 */
export function reapWithParent(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  watched.add(pid);
  tell(`+${pid}`);
  child.once('exit', () => {
    if (!watched.delete(pid)) return;
    tell(`-${pid}`);
    if (watched.size > 0 || !reaper) return;
    // no child left to watch: EOF lets the shell exit (it kills nothing: the list is empty)
    const done = reaper;
    reaper = undefined;
    done.stdin?.end();
  });
}

function tell(line: string): void {
  const stdin = sidecar()?.stdin;
  if (stdin?.writable) stdin.write(`${line}\n`);
}

function sidecar(): ChildProcess | undefined {
  if (reaper !== undefined) return reaper ?? undefined;
  if (process.platform === 'win32') {
    reaper = null;
    return undefined;
  }
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', SCRIPT, REAPER_NAME], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  } catch {
    return undefined; // e.g. out of file descriptors: tried again with the next child
  }
  reaper = child;
  child.on('error', (error: NodeJS.ErrnoException) => {
    if (reaper !== child) return;
    // no /bin/sh: never again (children still end on IPC disconnect and with this process's exit
    // or signals); anything else: tried again with the next child
    reaper = error.code === 'ENOENT' ? null : undefined;
  });
  child.once('exit', () => {
    if (reaper !== child) return;
    // it died with children still to watch: a new one takes over the whole list
    reaper = undefined;
    if (watched.size > 0) sidecar();
  });
  child.stdin?.on('error', () => {});
  child.unref();
  (child.stdin as unknown as { unref?(): void } | null)?.unref?.();
  // the list so far (a replacement starts empty)
  for (const pid of watched) child.stdin?.write(`+${pid}\n`);
  return child;
}
