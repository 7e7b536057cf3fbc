/**
 * Option names of the libraries workforce replaces — the seeds (whose names `workforcejs/compat`
 * keeps) and the peers the README's migration tables map — each with the option it is here. An
 * unknown option that is one of them gets that as its hint instead of the nearest spelling (which
 * would mislead: piscina's `maxQueue` is not `maxRetries`, `numWorkers` is not `minWorkers`).
 */

export interface ForeignName {
  /** Who calls it that (undefined: a name many would guess). */
  readonly from: string | undefined;
  /** The option here. */
  readonly option: string;
  /** How the value changes, when it does. */
  readonly note?: string;
}

const entries: [name: string, from: string | undefined, option: string, note?: string][] = [
  // createPool / WorkPool
  ['filename', 'piscina and tinypool', 'module', 'a path or URL'],
  ['minThreads', 'piscina and tinypool', 'minWorkers'],
  ['maxThreads', 'piscina and tinypool', 'maxWorkers'],
  ['idleTimeout', 'piscina, tinypool and travetto', 'maxIdleTime'],
  ['idleTimeoutMillis', 'travetto', 'maxIdleTime'],
  ['maxQueue', 'piscina', 'maxConcurrentCalls', 'it counts queued and running calls'],
  ['concurrentTasksPerWorker', 'piscina', 'concurrency'],
  ['isolateWorkers', 'tinypool', 'ttl', 'isolateWorkers: true is ttl: 1'],
  ['maxMemoryLimitBeforeRecycle', 'tinypool', 'maxHeapBeforeRecycle'],
  ['workerType', 'workerpool', 'runtime', "'thread' or 'process'"],
  ['maxConcurrentWorkers', 'worker-farm', 'numberOfWorkers'],
  ['maxCallsPerWorker', 'worker-farm', 'ttl'],
  ['maxCallTime', 'worker-farm', 'timeout'],
  ['forcedKillTime', 'worker-farm', 'killTimeout'],
  ['maxConcurrentCallsPerWorker', 'Workestrator and worker-farm', 'concurrency'],
  ['serializerPath', 'Workestrator', 'serializer'],
  ['max', 'travetto', 'maxWorkers'],
  ['min', 'travetto', 'minWorkers'],
  ['numWorkers', undefined, 'numberOfWorkers'],
  ['workers', undefined, 'numberOfWorkers'],
  ['size', undefined, 'numberOfWorkers'],
  // a task's options
  ['name', 'piscina and tinypool', 'method', 'or runMethod(name, ...args)'],
  ['transferList', 'piscina and tinypool', 'transfer'],
  ['workerAffinity', '@probedjs/work-pool', 'affinity'],
];

/** By foreign name (a Map: no prototype keys such as 'constructor'). */
export const FOREIGN_NAMES: ReadonlyMap<string, ForeignName> = new Map(entries.map(([name, from, option, note]) => [name, { from, option, note }]));

/** What `name` is here, if another library's option of that name is one of `known`. */
export function foreignName(name: string, known: readonly string[]): ForeignName | undefined {
  const foreign = FOREIGN_NAMES.get(name);
  return foreign && known.includes(foreign.option) ? foreign : undefined;
}

/** The hint of an unknown option's error for a foreign name: "'maxThreads' (piscina and tinypool) is 'maxWorkers' here". */
export function foreignHint(name: string, { from, option, note }: ForeignName): string {
  if (from === undefined) return `did you mean '${option}'?`;
  return `'${name}' (${from}) is '${option}' here${note ? `: ${note}` : ''}`;
}
