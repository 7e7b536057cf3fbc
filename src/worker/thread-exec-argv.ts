import { Worker } from 'node:worker_threads';
import { forChild, optionGroups } from './runtime-entry.js';

/** worker_threads' answer per option (a flag and its separate value, joined by NUL). */
const answers = new Map<string, boolean>();

/**
 * The execArgv of a thread worker when the pool is given none. Unset (the thread inherits the
 * parent's options, which worker_threads accepts whatever they are) unless the parent has flags a
 * worker must not get (debugger and test-runner flags, see childExecArgv). Then the list is given
 * explicitly, and worker_threads refuses V8 and per-process options in it (`--max-old-space-size`,
 * `--expose-gc`, `--stack-size`, `--title`, …; ERR_WORKER_INVALID_EXEC_ARGV): those are dropped.
 */
export function threadExecArgv(execArgv: readonly string[] = process.execArgv): string[] | undefined {
  const options = optionGroups(execArgv, (arg) => arg);
  const kept = options.filter(forChild);
  if (kept.length === options.length) return undefined;
  return kept.filter(accepted).flat();
}

function accepted(option: string[]): boolean {
  const key = option.join('\0');
  let answer = answers.get(key);
  if (answer === undefined) answers.set(key, (answer = ask(option)));
  return answer;
}

/**
 * Asks worker_threads itself: it checks execArgv as it makes a Worker, before it clones workerData
 * and starts the thread, so a workerData that cannot be cloned ends the question without a thread.
 */
function ask(option: string[]): boolean {
  try {
    const worker = new Worker('', { eval: true, execArgv: option, workerData: Symbol('probe'), stdout: true, stderr: true });
    // a Node that started the thread anyway took the option; the thread has nothing to do
    worker.unref();
    void worker.terminate();
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV';
  }
}
