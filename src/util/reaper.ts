import { type ChildProcess, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

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

/**
 * Ends the children of this process when it dies, even by SIGKILL (which runs no code of ours)
 * and even while a child is stuck in CPU work that keeps it from noticing its IPC channel close.
 * One small shell process (about 1.6 MB) serves every child: it holds the read end of a pipe
 * only this process writes to, and the kernel closes that pipe when this process dies. It is
 * unref'd: it never keeps this process alive; it exits with this process, or once no child is
 * left (the next child starts a new one). A shell that dies is replaced and told every live
 * child again; one that could not start (say, out of file descriptors) is tried again with the
 * next child.
 */
export class Reaper {
  /** undefined: not running; null: unavailable here (Windows, no /bin/sh). */
  #shell: ChildProcess | null | undefined;

  /** `live`: the children still running, by pid, which a new shell is told first. */
  constructor(private readonly live: ReadonlyMap<number, unknown>) {}

  /** Child `pid` started. */
  started(pid: number): void {
    this.#tell(`+${pid}`);
  }

  /** Shells let go (stdin ended) that are not gone yet: settled() waits for them. */
  readonly #ending = new Set<Promise<void>>();

  /**
   * Child `pid` ended (already gone from `live`); with none left the shell is let go (EOF: it
   * kills nothing, its list is empty). It is ref'd again until it is gone, so that a caller
   * awaiting settled() (a pool's close()) is not left with an empty event loop.
   */
  ended(pid: number): void {
    this.#tell(`-${pid}`);
    if (this.live.size > 0 || !this.#shell) return;
    const done = this.#shell;
    this.#shell = undefined;
    done.ref();
    const stdin = done.stdin;
    const gone = Promise.all([closed(done), stdin && !stdin.destroyed ? closed(stdin) : undefined]).then(() => {
      this.#ending.delete(gone);
    });
    this.#ending.add(gone);
    stdin?.end();
  }

  /** Resolves once every shell let go has exited and its pipe is closed (at once when none is). */
  settled(): Promise<void> {
    if (this.#ending.size === 0) return Promise.resolve();
    return Promise.all(this.#ending).then(() => {});
  }

  #tell(line: string): void {
    const stdin = this.#running()?.stdin;
    if (stdin?.writable) stdin.write(`${line}\n`);
  }

  #running(): ChildProcess | undefined {
    if (this.#shell !== undefined) return this.#shell ?? undefined;
    if (process.platform === 'win32') {
      this.#shell = null;
      return undefined;
    }
    let shell: ChildProcess;
    try {
      shell = spawn('/bin/sh', ['-c', SCRIPT, REAPER_NAME], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    } catch {
      return undefined; // e.g. out of file descriptors: tried again with the next child
    }
    this.#shell = shell;
    shell.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#shell !== shell) return;
      // no /bin/sh: never again (children still end on IPC disconnect and with this process's
      // exit or signals); anything else: tried again with the next child
      this.#shell = error.code === 'ENOENT' ? null : undefined;
    });
    shell.once('exit', () => {
      if (this.#shell !== shell) return;
      // it died with children still to watch: a new one takes over the whole list
      this.#shell = undefined;
      if (this.live.size > 0) this.#running();
    });
    shell.stdin?.on('error', () => {});
    shell.unref();
    (shell.stdin as unknown as { unref?(): void } | null)?.unref?.();
    // the children so far (a replacement starts empty)
    for (const pid of this.live.keys()) shell.stdin?.write(`+${pid}\n`);
    return shell;
  }
}

/**
 * Resolves once `target` emitted 'close' (or 'error': a shell that failed has nothing left to
 * wait for) and its libuv handle is released: Node closes that handle as it emits, and libuv
 * runs close callbacks at the end of a loop turn, after that turn's immediates; the second
 * immediate runs after them.
 */
function closed(target: ChildProcess | Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => setImmediate(() => setImmediate(resolve));
    target.once('close', done);
    target.once('error', done);
  });
}
