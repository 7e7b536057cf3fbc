import { DEBUG_FLAG, optionGroups } from './runtime-entry.js';

export type Env = Record<string, string | undefined>;

/**
 * NODE_OPTIONS split into its options as Node reads them (spaces separate, double quotes group,
 * a backslash in quotes escapes): each raw token (kept as written) with its value.
 */
function tokens(text: string): { raw: string; value: string }[] {
  const out: { raw: string; value: string }[] = [];
  let raw = '';
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!quoted && /\s/.test(c)) {
      if (raw !== '') out.push({ raw, value });
      raw = value = '';
      continue;
    }
    raw += c;
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted && i + 1 < text.length) {
      raw += text[++i];
      value += text[i];
    } else value += c;
  }
  if (raw !== '') out.push({ raw, value });
  return out;
}

/**
 * The environment of a worker: `env` with the debugger flags taken out of NODE_OPTIONS, which
 * every worker would otherwise read and open the parent's inspector port (EADDRINUSE; how VS
 * Code's auto-attach and `NODE_OPTIONS=--inspect` start a parent). A process worker then gets
 * `--inspect=0` instead (a port of its own), as with the parent's execArgv (childExecArgv).
 */
export function workerEnv(env: Env, inspect: boolean): Env {
  const options = env.NODE_OPTIONS;
  if (!options || !/--(inspect|debug)/.test(options)) return env;
  // a debugger flag's value given as the next option (`--inspect-port 9229`) goes too
  const groups = optionGroups(tokens(options), (token) => token.value);
  const kept = groups.filter(([flag]) => !DEBUG_FLAG.test(flag.value));
  if (kept.length === groups.length) return env;
  const args = kept.flat().map((token) => token.raw);
  if (inspect) args.push('--inspect=0');
  return { ...env, NODE_OPTIONS: args.join(' ') };
}
