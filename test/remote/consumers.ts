/** Consumers as separate processes (so tests can SIGKILL, SIGSTOP and SIGTERM them), and their clean-up. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after } from 'node:test';
import { fixture } from '../helpers.js';

export interface Consumer {
  child: ChildProcess;
  pid: number;
  /** Resolves once it printed its `ready` line (rejects if it exits first). */
  ready: Promise<void>;
  /** Its exit code (a signal: 128 + number as a negative marker: null code → -1). */
  exited: Promise<number>;
  stdout(): string;
  stderr(): string;
}

const live = new Set<ChildProcess>();
after(() => {
  for (const child of live) {
    try {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    } catch {}
  }
});

/** Short lock and stall settings, so that losing a consumer is noticed within about a second. */
export const FAST = ['--lock-duration', '1000', '--stalled-interval', '500'];

/** Starts `workforce worker --queue queue --redis url --module remote-worker.mjs …args` (`env` added to this process's). */
export function startConsumer(
  url: string,
  queue: string,
  args: string[] = [],
  module = fixture('remote-worker.mjs'),
  env: Record<string, string> = {},
): Consumer {
  const child = spawn(process.execPath, [fixture('remote-consumer.mjs'), '--queue', queue, '--redis', url, '--module', module, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = once(child, 'exit').then(([code]) => {
    live.delete(child);
    return code ?? -1;
  });
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/^ready /m.test(out)) {
        child.stdout?.off('data', check);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => reject(new Error(`consumer exited (${code}) before ready: ${err}`)));
  });
  ready.catch(() => {});
  return { child, pid: child.pid ?? 0, ready, exited, stdout: () => out, stderr: () => err };
}
