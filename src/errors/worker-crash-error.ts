import { WorkforceError } from './workforce-error.js';

/** What is known about a crash, for WorkerCrashError: the worker, the task it ran, how it ended. */
export interface CrashDetail {
  workerId?: number | string;
  taskId?: number;
  exitCode?: number | null;
  signal?: string | null;
  pid?: number;
  threadId?: number;
  cause?: unknown;
}

/** The worker running a task died (exit, signal, uncaught error, terminate) before answering. */
export class WorkerCrashError extends WorkforceError {
  override name = 'WorkerCrashError';
  override readonly code = 'ERR_WORKFORCE_WORKER_CRASH';
  readonly workerId?: number | string;
  readonly taskId?: number;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  /** The process id: set for process workers and spawned programs; undefined for threads and the inline runtime. */
  readonly pid?: number;
  /** The worker_threads threadId: set for thread workers; undefined for processes and the inline runtime. */
  readonly threadId?: number;
  constructor(message: string, detail: CrashDetail = {}) {
    super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
    this.workerId = detail.workerId;
    this.taskId = detail.taskId;
    this.exitCode = detail.exitCode;
    this.signal = detail.signal;
    this.pid = detail.pid;
    this.threadId = detail.threadId;
  }

  /** The same crash, as seen by one of the tasks the worker held. */
  forTask(taskId: number): WorkerCrashError {
    const { workerId, exitCode, signal, pid, threadId } = this;
    const copy = new WorkerCrashError(this.message, { workerId, exitCode, signal, pid, threadId, taskId, cause: this.cause });
    copy.stack = this.stack;
    return copy;
  }
}
