// worker-farm ships no types; the part of its API the benchmark uses.
declare module 'worker-farm' {
  import type { ForkOptions } from 'node:child_process';

  interface FarmOptions {
    maxConcurrentWorkers?: number;
    maxConcurrentCallsPerWorker?: number;
    maxCallsPerWorker?: number;
    workerOptions?: ForkOptions;
    autoStart?: boolean;
  }
  type FarmMethod = (...args: any[]) => void;
  function workerFarm(options: FarmOptions, path: string, methods?: string[]): Record<string, FarmMethod>;
  namespace workerFarm {
    function end(farm: Record<string, FarmMethod>, callback?: (error?: Error) => void): void;
  }
  export = workerFarm;
}
