/**
 * Entry point of thread workers (and of process workers started on this ESM file; the pool starts
 * them on process-main.ts's CommonJS bundle): speaks the module-worker protocol with the pool.
 */

import { parentPort } from 'node:worker_threads';
import { childLink } from '../../channel/child-link.js';
import { guardProcessWorker } from './process-guard.js';
import { WorkerRuntime } from './runtime.js';

// No top-level await in this module: a worker thread ended (terminate(), process.exit) while its
// entry module's top-level await is pending can abort the whole process in V8 ("Check failed:
// (location_) != nullptr", nodejs/node#43182).
const link = childLink();
const isProcess = typeof process.send === 'function' && !parentPort;

new WorkerRuntime(link, (code) => process.exit(code));

if (isProcess) guardProcessWorker();
