// Runs the built `workforce` command as a child process, as a user would, with a hard time limit.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export function cliFixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  /** What the command wrote to stdout/stderr so far. */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<Outcome>;
}

/** Starts `workforce ...args`; past `limitMs` the command is killed and `done` rejects: a hang fails the test. */
export function start(args: string[], options: { cwd?: string; stdin?: string | 'pipe'; limitMs?: number; env?: NodeJS.ProcessEnv } = {}): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env ?? { ...process.env, NODE_OPTIONS: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
  if (options.stdin !== 'pipe') child.stdin?.end(options.stdin ?? '');
  const limitMs = options.limitMs ?? 60_000;
  const done = new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`workforce ${args.join(' ')} did not finish within ${limitMs} ms; stderr: ${stderr}`));
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

/** Runs `workforce ...args` to its end. */
export function workforce(args: string[], options: Parameters<typeof start>[1] = {}): Promise<Outcome> {
  return start(args, options).done;
}

/** The lines of JSON Lines text, parsed. */
export function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

/** `count` lines of JSON numbers 1..count. */
export function numbers(count: number): string {
  let text = '';
  for (let i = 1; i <= count; i++) text += `${i}\n`;
  return text;
}
