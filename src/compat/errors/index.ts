/** The seeds' error classes: each a workforce error class under the seed's name (instanceof holds both ways). */
export { MaxConcurrentCallsError } from './max-concurrent-calls-error.js';
export { WorkPoolResultError } from './work-pool-result-error.js';
export { WorkerExitError } from './worker-exit-error.js';
export { WorkerTerminatedError } from './worker-terminated-error.js';
export { WorkestratorOptionError } from './workestrator-option-error.js';
