/** travetto v1's reading of a worker's `active` flag ("busy": false until its first call), as the engine's ("alive"). */
import type { PoolWorker } from '../worker/types.js';
import { ExecutorWorker } from './executor-worker.js';

/**
 * The worker as the engine should see it. travetto v1's own example worker (ImageProcessor) sets
 * `active` only while it runs a call, so it reads false before its first call; travetto's pool
 * consults the flag only after a call (false then: the worker is replaced). The engine reads
 * false as "dead" at any time, so until the worker's first call starts this view reads `active`
 * as true. A worker that reports its own exits (spawnedWorker) means "alive" already and is
 * returned as it is, and so is an ExecutorWorker (v0's executors: it reads their flag itself). Everything else is the worker's own (methods bound to it, so private fields work).
 */
export function travettoWorker<W extends PoolWorker<any, any>>(worker: W): W {
  if (worker === null || typeof worker !== 'object' || typeof worker.onExit === 'function' || worker instanceof ExecutorWorker) return worker;
  let called = false;
  const bound = new Map<PropertyKey, { fn: unknown; view: unknown }>();
  return new Proxy(worker, {
    get(target, key) {
      if (key === 'active' && !called) return true;
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const cached = bound.get(key);
      if (cached?.fn === value) return cached.view;
      const view =
        key === 'execute'
          ? (...args: unknown[]) => {
              called = true;
              return value.apply(target, args);
            }
          : value.bind(target);
      bound.set(key, { fn: value, view });
      return view;
    },
  });
}
