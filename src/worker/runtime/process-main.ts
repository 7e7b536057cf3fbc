/**
 * Entry point of process workers, bundled as CommonJS (dist/worker/runtime/main.cjs, see
 * scripts/bundle-runtime.mjs): the same runtime as main.ts over process IPC, without the modules a
 * child process does not need (worker_threads, Node's ESM loader unless its worker module is ESM).
 */
import { processSide } from '../../channel/process-side.js';
import { useRequire } from './module-loader.js';
import { guardProcessWorker } from './process-guard.js';
import { WorkerRuntime } from './runtime.js';

useRequire(require);

new WorkerRuntime(processSide(), (code) => process.exit(code));
guardProcessWorker();
