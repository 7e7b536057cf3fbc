import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file in test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** True while a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What `process` emits as `event` (warnings, unhandled rejections, …) while `body` runs. */
export async function processEventsDuring<T = unknown>(event: string, body: () => Promise<void>): Promise<T[]> {
  const seen: T[] = [];
  const listener = (value: T) => seen.push(value);
  process.on(event, listener);
  try {
    await body();
  } finally {
    process.off(event, listener);
  }
  return seen;
}

/** Polls `check` until it returns true or `ms` pass. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, step = 20): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await sleep(step);
  }
}

/** Both runtimes, for tests that must hold for threads and processes alike. */
export const RUNTIMES = ['thread', 'process'] as const;

/**
 * A maker of fresh temporary directories named `prefix…` (attempt counters, hook markers), all
 * removed after the test file that called this at its top level.
 */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
