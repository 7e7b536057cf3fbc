/**
 * Entry point of thread and process workers: speaks the module-worker protocol with the pool.
 */

import { parentPort } from 'node:worker_threads';
import { childLink } from '../../channel/child-link.js';
import { encodeFatal } from '../protocol.js';
import { WorkerRuntime } from './runtime.js';

// No top-level await in this module: a worker thread ended (terminate(), process.exit) while its
// entry module's top-level await is pending can abort the whole process in V8 ("Check failed:
// (location_) != nullptr", nodejs/node#43182).
const link = childLink();
const isProcess = typeof process.send === 'function' && !parentPort;

new WorkerRuntime(link, (code) => process.exit(code));

if (isProcess) {
  // The parent is gone (exit, crash or SIGKILL): never outlive it. 'disconnect' needs the event
  // loop; a parent that dies while a task blocks it is caught by its reaper (util/reaper.ts).
  process.once('disconnect', () => process.exit(0));
  // Report what killed the process before it dies, so the pool can say why.
  process.on('uncaughtException', (error) => {
    try {
      process.send?.(encodeFatal(error), () => process.exit(1));
    } catch {
      process.exit(1);
    }
    setTimeout(() => process.exit(1), 1000).unref();
  });
}
