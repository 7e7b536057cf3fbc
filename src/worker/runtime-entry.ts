import { fileURLToPath } from 'node:url';

/** The file thread and process workers start: ./runtime/main.js next to this module. */
export const RUNTIME_URL = new URL('./runtime/main.js', import.meta.url);
export const RUNTIME_PATH = fileURLToPath(RUNTIME_URL);

/** Debugger flags: a worker must not take the parent's inspector port. */
export const DEBUG_FLAG = /^--(inspect|debug)/;

/**
 * The parent's execArgv without debugger and test-runner flags. A parent under --inspect gives
 * each forked child `--inspect=0` (a port of its own, so no EADDRINUSE) when `inspect` is set.
 */
export function childExecArgv(execArgv: readonly string[] = process.execArgv, inspect = false): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (!DEBUG_FLAG.test(arg) && !/^--test/.test(arg)) kept.push(arg);
    // A dropped flag's value given as the next argument (`--test-name-pattern foo`) goes too,
    // or the child would take it for its script.
    else if (!arg.includes('=') && i + 1 < execArgv.length && !execArgv[i + 1].startsWith('-')) i++;
  }
  if (inspect && execArgv.some((arg) => DEBUG_FLAG.test(arg))) kept.push('--inspect=0');
  return kept;
}
