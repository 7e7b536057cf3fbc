/**
 * The remote benchmark (part of `npm run bench` when a redis-server binary is found; alone:
 * `npm run bench:remote`), on a private redis-server on loopback. N no-op jobs over 2 consumer
 * processes: workforce remote (a thread pool of capacity C behind each consumer) vs a plain
 * BullMQ Worker with concurrency C running the no-op in-process, and vs BullMQ's sandboxed file
 * processor with concurrency C; and the workforce consumer with runtime 'inline' (the job in the
 * consumer's own thread, like the plain Worker) vs the plain Worker. Like with like: the same job options (the remote pool's
 * defaults), every job added in bulk (the remote pool adds the calls of one tick with addBulk),
 * every result read by the producer from one QueueEvents, the clock started once each producer
 * is ready. The rounds are interleaved; ratios are medians within this run. Then the time from a
 * consumer's SIGKILL to its job's result from the other consumer (lockDuration 1000,
 * stalledInterval 500).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type ConnectionOptions, Queue, QueueEvents, QueueEventsProducer } from 'bullmq';
import { createRemotePool } from 'workforcejs/bullmq';
import { median } from '../report.js';

/**
 * `workforce`: each consumer's calls on a thread pool (the measured product); `inline`: the same
 * consumer with runtime 'inline' (each job in the consumer's own thread, as the plain Worker runs
 * it: what the thread hop costs); `plain` and `sandbox`: BullMQ's own Workers.
 */
export type Kind = 'workforce' | 'inline' | 'plain' | 'sandbox';
export const KINDS: readonly Kind[] = ['workforce', 'inline', 'plain', 'sandbox'];

export interface RemoteBenchParams {
  jobs: number;
  rounds: number;
  /** Jobs each consumer runs at once (its pool's capacity; the BullMQ Workers' concurrency). */
  concurrencies: number[];
  kinds?: readonly Kind[];
}

export const REMOTE_SIZES: Record<'quick' | 'full', RemoteBenchParams> = {
  full: { jobs: 5000, rounds: 3, concurrencies: [2, 8] },
  quick: { jobs: 1000, rounds: 1, concurrencies: [2] },
};

export interface RemoteBenchResult {
  jobs: number;
  rounds: number;
  /** jobs/s of each round, by concurrency then kind. */
  rates: { concurrency: number; rates: Partial<Record<Kind, number[]>> }[];
  /** ms from SIGKILL to the result, each round. */
  killToResultMs: number[];
}

/** True when a redis-server binary can be run here. */
export function redisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

const CONSUMER = fileURLToPath(new URL('./consumer.mjs', import.meta.url));
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
let log: (line: string) => void = () => {};

async function startRedis(): Promise<string> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.add(server);
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return `redis://127.0.0.1:${port}`;
    await sleep(50);
  }
  throw new Error('redis-server did not start');
}

async function consumer(kind: Kind, queue: string, url: string, concurrency: number, lock?: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CONSUMER, kind, queue, url, String(concurrency), ...(lock ? [String(lock)] : [])], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  child.stdout?.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      if (/^ready/m.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${kind} consumer exited (${code}) before it was ready`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

let queues = 0;

/** The remote pool's defaults (src/remote/remote-pool.ts), given to the BullMQ baselines' jobs too. */
const JOB_OPTIONS = { attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };

/** Resolves once `events` reads the stream (a job finished before its first read would never be heard of). */
async function listening(events: QueueEvents, queue: string, connection: ConnectionOptions): Promise<void> {
  await events.waitUntilReady();
  const producer = new QueueEventsProducer(queue, { connection });
  let heard = false;
  const listener = () => {
    heard = true;
  };
  events.on('bench:listening' as 'error', listener as never);
  try {
    while (!heard) {
      await producer.publishEvent({ eventName: 'bench:listening' });
      await sleep(20);
    }
  } finally {
    events.off('bench:listening' as 'error', listener as never);
    await producer.close();
  }
}

/** Jobs per second: all JOBS called at once, timed until the last result reached the producer. */
async function throughput(kind: Kind, url: string, jobs: number, concurrency: number): Promise<number> {
  const JOBS = jobs;
  const queue = `bench-${kind}-${++queues}`;
  const consumers = await Promise.all([consumer(kind, queue, url, concurrency), consumer(kind, queue, url, concurrency)]);
  try {
    const connection = { host: '127.0.0.1', port: Number(new URL(url).port) };
    if (kind === 'workforce' || kind === 'inline') {
      const remote = createRemotePool({ queue, connection });
      try {
        await remote.run(-1); // the producer is ready (its QueueEvents reads), as the baselines' are before their clock starts
        const start = performance.now();
        await Promise.all(Array.from({ length: JOBS }, (_, i) => remote.run(i)));
        return JOBS / ((performance.now() - start) / 1000);
      } finally {
        await remote.close();
      }
    }
    // BullMQ's own producer side, doing what the remote pool does: the same job options, the jobs
    // added in bulk (the remote pool adds the calls of one tick with addBulk, 1000 a time), and
    // each job's result read from one QueueEvents (not a completed count)
    const q = new Queue(queue, { connection });
    const events = new QueueEvents(queue, { connection });
    try {
      await Promise.all([q.waitUntilReady(), listening(events, queue, connection)]);
      const results = new Map<string, unknown>();
      let allDone!: () => void;
      const done = new Promise<void>((resolve) => (allDone = resolve));
      events.on('completed', ({ jobId, returnvalue }) => {
        results.set(jobId, returnvalue);
        if (results.size === JOBS) allDone();
      });
      const start = performance.now();
      const bulk = Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: i, opts: { ...JOB_OPTIONS, jobId: `j${i}` } }));
      const adds = [];
      for (let at = 0; at < JOBS; at += 1000) adds.push(q.addBulk(bulk.slice(at, at + 1000)));
      await Promise.all(adds);
      // a completion event trimmed from the stream before it was read is not heard: the completed count ends the wait then
      const guard = setInterval(async () => {
        if (results.size < JOBS && (await q.getCompletedCount()) >= JOBS) {
          log(`${kind}: ${JOBS - results.size} completion events missed`);
          allDone();
        }
      }, 2000);
      await done;
      clearInterval(guard);
      return JOBS / ((performance.now() - start) / 1000);
    } finally {
      await events.close();
      await q.close();
    }
  } finally {
    await Promise.all(consumers.map(stop));
  }
}

/** ms from SIGKILL of the consumer running a job to that job's result (from the other consumer). */
async function killToResult(url: string): Promise<number> {
  const queue = `bench-kill-${++queues}`;
  const [a, b] = await Promise.all([consumer('workforce', queue, url, 1, 1000), consumer('workforce', queue, url, 1, 1000)]);
  const remote = createRemotePool({ queue, connection: url });
  const marker = join(tmpdir(), `workforce-bench-${process.pid}-${queues}`);
  try {
    // each consumer runs one call at once: the long call takes one, the short one the other
    const call = remote.runMethod<number>('holdOnce', marker, 60_000);
    while (!existsSync(marker)) await sleep(5);
    const other = await remote.runMethod<number>('holdOnce', `${marker}-x`, 0);
    const holder = other === a.pid ? b : a;
    const killedAt = performance.now();
    holder.kill('SIGKILL');
    await call; // its second run sees the marker and answers at once
    return performance.now() - killedAt;
  } finally {
    await remote.close({ force: true });
    for (const c of [a, b]) c.kill('SIGKILL');
    rmSync(marker, { force: true });
    rmSync(`${marker}-x`, { force: true });
  }
}

/** Runs the whole remote benchmark on a redis-server of its own (stopped at the end). */
export async function remoteBench(params: RemoteBenchParams, logLine: (line: string) => void): Promise<RemoteBenchResult> {
  log = logLine;
  const kinds = params.kinds ?? KINDS;
  const url = await startRedis();
  try {
    const result: RemoteBenchResult = { jobs: params.jobs, rounds: params.rounds, rates: [], killToResultMs: [] };
    for (const concurrency of params.concurrencies) {
      log(`remote: ${params.jobs} no-op jobs over 2 consumers × concurrency ${concurrency}, ${params.rounds} rounds (interleaved)`);
      const rates: Partial<Record<Kind, number[]>> = {};
      for (let round = 1; round <= params.rounds; round++) {
        for (const kind of kinds) {
          const rate = await throughput(kind, url, params.jobs, concurrency);
          (rates[kind] ??= []).push(rate);
          log(`  round ${round} ${kind}: ${Math.round(rate)} jobs/s`);
        }
      }
      result.rates.push({ concurrency, rates });
    }
    for (let i = 0; i < params.rounds; i++) {
      result.killToResultMs.push(await killToResult(url));
      log(`  kill ${i + 1}: ${Math.round(result.killToResultMs[i])} ms`);
    }
    return result;
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
const ratio = (a: number[] | undefined, b: number[] | undefined) => (a?.length && b?.length ? `${(median(a) / median(b)).toFixed(2)}×` : '—');
/** Each round's own ratio (workforce and the baseline ran back to back): the spread of the ratio. */
const roundRatios = (a: number[] | undefined, b: number[] | undefined) =>
  a?.length && b?.length ? a.map((x, i) => (b[i] ? (x / b[i]).toFixed(2) : '?')).join(', ') : '—';

export function renderRemoteTable(result: RemoteBenchResult): string {
  const lines = [
    `| ${fmt(result.jobs)} no-op jobs, 2 consumers | concurrency | jobs/s (median) | min–max | workforce vs it (median) | per round |`,
    '|---|--:|--:|--:|--:|--:|',
  ];
  const names: Record<Kind, string> = {
    workforce: 'workforce remote (thread pool)',
    inline: "workforce remote (runtime 'inline')",
    plain: 'plain BullMQ Worker (in-process)',
    sandbox: 'BullMQ sandboxed processor',
  };
  for (const { concurrency, rates } of result.rates) {
    for (const kind of KINDS) {
      const xs = rates[kind];
      if (!xs?.length) continue;
      const vs = kind === 'workforce' ? '—' : ratio(rates.workforce, xs);
      const per = kind === 'workforce' ? '' : roundRatios(rates.workforce, xs);
      lines.push(`| ${names[kind]} | ${concurrency} | ${fmt(median(xs))} | ${range(xs)} | ${vs} | ${per} |`);
    }
  }
  // the inline consumer against the plain Worker: both run each job in the consumer's own thread
  const inline = result.rates.filter(({ rates }) => rates.inline?.length && rates.plain?.length);
  if (inline.length)
    lines.push(
      '',
      `workforce remote with runtime 'inline' vs the plain BullMQ Worker: ${inline
        .map(
          ({ concurrency, rates }) => `${ratio(rates.inline, rates.plain)} at concurrency ${concurrency} (per round ${roundRatios(rates.inline, rates.plain)})`,
        )
        .join('; ')}`,
    );
  const kills = result.killToResultMs;
  if (kills.length)
    lines.push(
      '',
      `SIGKILL of the consumer running a job → its result from the other consumer (lockDuration 1000, stalledInterval 500): median ${fmt(median(kills))} ms (${kills.map(fmt).join(', ')})`,
    );
  return lines.join('\n');
}
