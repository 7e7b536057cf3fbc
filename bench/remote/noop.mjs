// The no-op task of the remote bench (workforce consumers): the default export returns its argument.
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export default function noop(value) {
  return value;
}

/** Holds `ms` on the job's first run (it creates `marker`), answers at once on any later run. */
export async function holdOnce(marker, ms) {
  if (!existsSync(marker)) {
    writeFileSync(marker, '');
    await sleep(ms);
  }
  return process.pid;
}
