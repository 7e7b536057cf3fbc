import type { EventEmitter } from 'node:events';
import type { ResolvedEngineOptions } from './options.js';
import type { Scheduler } from './scheduler.js';
import type { StatsRecorder } from './stats.js';

/** State shared by the dispatcher, the lifecycle and the pool facade. */
export interface PoolCore<I, O> {
  readonly options: ResolvedEngineOptions;
  readonly scheduler: Scheduler<I, O>;
  readonly stats: StatsRecorder;
  readonly events: EventEmitter;
  /** Tasks accepted and not yet settled. */
  pending: number;
  /** Called after any task settles, and when the last running call lets go of its worker (wakes whenIdle waiters). */
  settled(): void;
  /** Emits `error` (worker, error) only when someone listens (an unheard 'error' would throw), once per error. */
  emitError(worker: unknown, error: unknown): void;
}
