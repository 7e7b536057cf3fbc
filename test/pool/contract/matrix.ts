// The runtime matrix of the module-pool contract: every file in this folder runs its tests once per
// runtime (thread, process, inline) through forEachRuntime, which also says where runtimes differ.
// What only one runtime has lives in ../module-pool.test.ts (thread), ../module-pool-process.test.ts
// and ../inline.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModulePool, PoolOptions, Runtime } from 'workforcejs';
import { tempDirs } from '../../helpers.js';
import { ALL_RUNTIMES, modulePool, type Who } from '../pools.js';

/** What the fixture's `whoami()` answers, with where the call ran. */
export interface Where extends Who {
  isMainThread: boolean;
  workerData: unknown;
}

/** One runtime of the matrix and what sets it apart. */
export interface RuntimeCase {
  runtime: Runtime;
  /** A one-worker pool of the module-pool fixture on this runtime (see modulePool); closed by the caller. */
  pool: (options?: Partial<PoolOptions>) => ModulePool;
  /** Threads and processes structured-clone what crosses to a worker; inline passes it by reference. */
  clones: boolean;
  /** Threads and processes can be ended while stuck in a busy loop; the main thread cannot. */
  terminable: boolean;
}

/** Declares `suite` once for every runtime of the module pool. */
export function forEachRuntime(suite: (c: RuntimeCase) => void): void {
  for (const runtime of ALL_RUNTIMES) {
    suite({
      runtime,
      pool: (options = {}) => modulePool(runtime, options),
      clones: runtime !== 'inline',
      terminable: runtime !== 'inline',
    });
  }
}

/** A fresh temporary directory, removed after the test file. */
export const tmp = tempDirs('workforce-contract-');

/** A fresh module file `name` holding `source`. */
export function moduleFile(name: string, source: string): string {
  const file = join(tmp(), name);
  writeFileSync(file, source);
  return file;
}
