/** Workestrator's names of workforce's error classes: the same classes, so `instanceof` works either way. */
import { QueueFullError } from '../errors/queue-full-error.js';
import { WorkerCrashError } from '../errors/worker-crash-error.js';

/** Workestrator's name of QueueFullError. */
export const MaxConcurrentCallsError = QueueFullError;
export type MaxConcurrentCallsError = QueueFullError;
/** Workestrator's name of WorkerCrashError (a worker that exited). */
export const WorkerExitError = WorkerCrashError;
export type WorkerExitError = WorkerCrashError;
/** Workestrator's name of WorkerCrashError (a worker that was terminated). */
export const WorkerTerminatedError = WorkerCrashError;
export type WorkerTerminatedError = WorkerCrashError;
