import { fileURLToPath } from 'node:url';

/** The file thread workers start: ./runtime/main.js next to this module. */
export const RUNTIME_URL = new URL('./runtime/main.js', import.meta.url);
/**
 * The file process workers start: the same runtime bundled as CommonJS (scripts/bundle-runtime.mjs),
 * so that a child whose worker module is CommonJS never loads Node's ESM loader.
 */
export const PROCESS_RUNTIME_PATH = fileURLToPath(new URL('./runtime/main.cjs', import.meta.url));

/** Debugger flags: a worker must not take the parent's inspector port. */
export const DEBUG_FLAG = /^--(inspect|debug)/;

/**
 * Node options split into options: a flag, with its value when that is given as the next argument
 * (`--test-name-pattern foo`: the flag has no `=` and the next argument is not a flag), so that a
 * dropped flag takes its value along (or a child would take the value for its script).
 */
export function optionGroups<T>(items: readonly T[], text: (item: T) => string): T[][] {
  const out: T[][] = [];
  for (const item of items) {
    const last = out.at(-1);
    if (last && last.length === 1 && !text(item).startsWith('-') && !text(last[0]).includes('=')) last.push(item);
    else out.push([item]);
  }
  return out;
}

/** Options that say what the parent itself runs (`node -e code`, `node -p code`, `-i`, `--check`): a child runs its runtime instead. */
const ENTRY_FLAG = /^(-[pe]{1,2}|--eval|--print|-i|--interactive|-c|--check)(=|$)/;
/** Of those, the ones whose value (the code) is the next argument unless given with `=`. */
const ENTRY_WITH_VALUE = /^(-[pe]{1,2}|--eval|--print)$/;

/**
 * `execArgv` without the options that choose what Node runs, and their code: a child forked with
 * the `-e <code>` of a `node -e` parent would run that code again instead of the worker runtime.
 */
export function withoutEntry(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (!ENTRY_FLAG.test(arg)) out.push(arg);
    else if (ENTRY_WITH_VALUE.test(arg)) i++;
  }
  return out;
}

/** An option a child worker may inherit: not a debugger or test-runner flag. */
export const forChild = ([flag]: readonly string[]): boolean => !DEBUG_FLAG.test(flag) && !/^--test/.test(flag);

/**
 * The parent's execArgv without debugger and test-runner flags, nor what the parent runs
 * (withoutEntry). A parent under --inspect gives each forked child `--inspect=0` (a port of its
 * own, so no EADDRINUSE) when `inspect` is set.
 */
export function childExecArgv(execArgv: readonly string[] = process.execArgv, inspect = false): string[] {
  const kept = optionGroups(withoutEntry(execArgv), (arg) => arg)
    .filter(forChild)
    .flat();
  if (inspect && execArgv.some((arg) => DEBUG_FLAG.test(arg))) kept.push('--inspect=0');
  return kept;
}
