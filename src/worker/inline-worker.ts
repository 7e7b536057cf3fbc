import type { Link } from '../channel/link.js';
import { loopbackPair } from '../channel/loopback-link.js';
import { WorkerRuntime } from './runtime/runtime.js';

/**
 * Connects a module worker to a runtime on the main thread (runtime 'inline' and tasks with
 * affinity 'main'): same protocol and API as threads and processes, so a debugger can step
 * through the worker module in the main thread.
 */
export function inlineConnector(): () => Link {
  return () => {
    const [parent, child] = loopbackPair();
    new WorkerRuntime(child, () => child.kill());
    return parent;
  };
}
