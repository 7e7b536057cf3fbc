/**
 * Entry point of process workers, bundled as CommonJS (dist/worker/runtime/main.cjs, see
 * scripts/bundle-runtime.mjs): the same runtime as main.ts over process IPC, without the modules a
 * child process does not need (worker_threads, Node's ESM loader unless its worker module is ESM).
 */
import { JSON_FRAMES_ENV } from '../../channel/json-frames.js';
import { processSide } from '../../channel/process-side.js';
import { useRequire } from './module-loader.js';
import { guardProcessWorker } from './process-guard.js';
import { WorkerRuntime } from './runtime.js';

useRequire(require);

// how the parent forked this process (see json-frames.ts); not left for the user's code or its children
const jsonFrames = process.env[JSON_FRAMES_ENV] === '1';
delete process.env[JSON_FRAMES_ENV];

new WorkerRuntime(processSide(jsonFrames), (code) => process.exit(code));
guardProcessWorker();
