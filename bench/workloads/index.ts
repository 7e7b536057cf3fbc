import { cpuSpeedup } from './cpu-speedup.js';
import { idleLatency, idleLatencyProcesses } from './idle-latency.js';
import { idleRss, idleRssProcesses } from './idle-rss.js';
import { noopProcesses } from './noop-processes.js';
import { noopThreads } from './noop-threads.js';
import { payload } from './payload.js';
import type { Workload } from './types.js';

export type { Metric, Mode, Session, Workload } from './types.js';

/** In run order. */
export const WORKLOADS: readonly Workload[] = [noopThreads, noopProcesses, idleLatency, idleLatencyProcesses, payload, idleRss, idleRssProcesses, cpuSpeedup];
