/**
 * workforcejs/bullmq against BullMQ itself, on a private redis-server:
 *   npm run bench:remote [-- --jobs=5000 --rounds=3 --concurrency=2]
 * N no-op jobs over 2 consumer processes: workforce remote vs a plain BullMQ Worker with the same
 * concurrency and vs BullMQ's sandboxed file processor (ratios within this run); and the time from
 * a consumer's SIGKILL to its job's result (lockDuration 1000, stalledInterval 500).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ConnectionOptions, Queue, QueueEvents, QueueEventsProducer } from 'bullmq';
import { createRemotePool } from 'workforcejs/bullmq';

const { values: args } = parseArgs({
  options: {
    kinds: { type: 'string', default: 'workforce,plain,sandbox' },
    jobs: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '2' },
  },
});
const JOBS = Number(args.jobs);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const CONSUMER = fileURLToPath(new URL('./remote/consumer.mjs', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

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

type Kind = 'workforce' | 'plain' | 'sandbox';

async function consumer(kind: Kind, queue: string, url: string, lock?: number, concurrency = CONCURRENCY): Promise<ChildProcess> {
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
async function throughput(kind: Kind, url: string): Promise<number> {
  const queue = `bench-${kind}-${++queues}`;
  const consumers = await Promise.all([consumer(kind, queue, url), consumer(kind, queue, url)]);
  try {
    const connection = { host: '127.0.0.1', port: Number(new URL(url).port) };
    if (kind === 'workforce') {
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
      const jobs = Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: i, opts: { ...JOB_OPTIONS, jobId: `j${i}` } }));
      const adds = [];
      for (let at = 0; at < JOBS; at += 1000) adds.push(q.addBulk(jobs.slice(at, at + 1000)));
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
  const [a, b] = await Promise.all([consumer('workforce', queue, url, 1000, 1), consumer('workforce', queue, url, 1000, 1)]);
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const url = await startRedis();
log(`remote bench: ${JOBS} no-op jobs over 2 consumers × concurrency ${CONCURRENCY}, ${ROUNDS} rounds (interleaved)`);
const rates: Record<Kind, number[]> = { workforce: [], plain: [], sandbox: [] };
for (let round = 1; round <= ROUNDS; round++) {
  for (const kind of args.kinds.split(',') as Kind[]) {
    const rate = await throughput(kind, url);
    rates[kind].push(rate);
    log(`round ${round} ${kind}: ${Math.round(rate)} jobs/s`);
  }
}
const wf = median(rates.workforce);
const plain = median(rates.plain);
const sandbox = median(rates.sandbox);
console.log(`| consumer | jobs/s (median of ${ROUNDS}) | workforce vs it |`);
console.log('|---|--:|--:|');
console.log(`| workforce remote (thread pool) | ${Math.round(wf)} | — |`);
console.log(`| plain BullMQ Worker (in-process, concurrency ${CONCURRENCY}) | ${Math.round(plain)} | ${(wf / plain).toFixed(2)}× |`);
console.log(`| BullMQ sandboxed processor (concurrency ${CONCURRENCY}) | ${Math.round(sandbox)} | ${(wf / sandbox).toFixed(2)}× |`);
const kills: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  kills.push(await killToResult(url));
  log(`kill ${i + 1}: ${Math.round(kills[i])} ms`);
}
console.log(
  `\nSIGKILL of the consumer running a job → its result from the other consumer (lockDuration 1000, stalledInterval 500): median ${Math.round(median(kills))} ms (${kills.map(Math.round).join(', ')})`,
);
for (const child of children) child.kill('SIGKILL');
