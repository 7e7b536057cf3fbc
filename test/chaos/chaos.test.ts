// Chaos: thousands of tasks through small pools while workers die in every way a worker can die
// (SIGKILL from outside, process.exit inside a task, an uncaught error, terminate() after a
// timeout or an abort, a thread past its resourceLimits). Afterwards every task has settled
// exactly once, with its own result or a typed error, nothing hung, the pool still serves and
// closing it leaves no thread or process behind.
//
// Size: WORKFORCE_CHAOS=full (npm run test:chaos) runs 10,000 tasks per runtime; otherwise a
// reduced run for `npm test`. The seed is printed; WORKFORCE_CHAOS_SEED=<seed> replays the plan
// (which task does what, when the driver strikes). Timing still varies between runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { CallMaxRetryError, createPool, type ModulePool, type PoolOptions, TaskAbortedError, TimeoutError, WorkerCrashError } from 'workforce';
import { eventually, fixture, sleep } from '../helpers.js';
import { running } from './proc.js';

const FULL = process.env.WORKFORCE_CHAOS === 'full';
const SEED = process.env.WORKFORCE_CHAOS_SEED ? Number(process.env.WORKFORCE_CHAOS_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const MODULE = fixture('chaos-worker.mjs');

console.log(`chaos seed: ${SEED} (replay with WORKFORCE_CHAOS_SEED=${SEED}); size: ${FULL ? 'full' : 'reduced'}`);

const root = mkdtempSync(join(tmpdir(), 'workforce-chaos-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'ok' | 'slow' | 'exit' | 'throw' | 'hang' | 'oom' | 'sigkill';

interface Step {
  id: number;
  kind: Kind;
  /** Chaos fires on the first attempt only; otherwise the task is poison (fires on every attempt). */
  once: boolean;
  ms: number;
}

interface Scenario {
  runtime: 'thread' | 'process';
  tasks: number;
  workers: number;
  concurrency: number;
  maxRetries: number;
  /** Chaos tasks per task run. */
  rate: number;
  /** Relative weights of the in-task chaos kinds. */
  kinds: Partial<Record<Kind, number>>;
  /** The pool's timeout (needed by 'hang'). Without one, short calls are pipelined (sent ahead). */
  timeout?: number;
  /** Hang tasks cost a full timeout each: at most this many. */
  maxHangs: number;
  /** Poison tasks (crash on every attempt, so they end in CallMaxRetryError). */
  poison: number;
  /** The driver SIGKILLs a worker from outside every this many settled tasks (process runtime). */
  killEvery?: [number, number];
  /** The driver aborts a running 'slow' task every this many settled tasks. */
  abortEvery: [number, number];
  options?: Partial<PoolOptions>;
  deadline: number;
}

function plan(s: Scenario, random: () => number): Step[] {
  const kinds = Object.entries(s.kinds) as [Kind, number][];
  const total = kinds.reduce((n, [, w]) => n + w, 0);
  const pick = (): Kind => {
    let r = random() * total;
    for (const [k, w] of kinds) if ((r -= w) <= 0) return k;
    return kinds[0][0];
  };
  let hangs = 0;
  const steps: Step[] = [];
  for (let id = 0; id < s.tasks; id++) {
    const r = random();
    let kind: Kind = 'ok';
    let ms = 0;
    if (r < s.rate) {
      kind = pick();
      if (kind === 'hang' && hangs++ >= s.maxHangs) kind = 'exit';
    } else if (r < s.rate + 0.03) {
      kind = 'slow';
      ms = 5 + Math.floor(random() * 25);
    }
    steps.push({ id, kind, once: true, ms });
  }
  // Poison tasks kill every worker that runs them; never hangs (each attempt would cost a timeout).
  for (let n = 0; n < s.poison; n++) {
    const step = steps[Math.floor(random() * steps.length)];
    let kind = pick();
    while (kind === 'hang') kind = pick();
    Object.assign(step, { kind, once: false, ms: 0 });
  }
  return steps;
}

function isCrashOrTimeout(e: unknown): boolean {
  return e instanceof WorkerCrashError || e instanceof TimeoutError;
}

interface Outcome {
  settles: number;
  ok: boolean;
  value?: { id: number; workerId: number; pid: number; threadId: number };
  error?: unknown;
}

async function runScenario(t: TestContext, s: Scenario, seed: number): Promise<void> {
  const random = prng(seed);
  const dir = mkdtempSync(join(root, `${s.runtime}-`));
  const steps = plan(s, random);
  const before = process.getActiveResourcesInfo();
  const pool: ModulePool = createPool({
    module: MODULE,
    runtime: s.runtime,
    numberOfWorkers: s.workers,
    concurrency: s.concurrency,
    maxRetries: s.maxRetries,
    timeout: s.timeout,
    cancelGracePeriod: 0,
    // The fixture is plain JS: workers need not load the test runner's tsx (faster respawns).
    execArgv: [],
    fork: { execArgv: [] },
    ...s.options,
  });
  const began = Date.now();
  const pids = new Set<number>();
  const online = new Map<number | string, number>();
  let crashes = 0;
  pool.on('online', (w: { id: number | string; pid?: number }) => {
    if (w.pid) {
      pids.add(w.pid);
      online.set(w.id, w.pid);
    }
  });
  pool.on('exit', (w: { id: number | string }, code: number | null, signal: string | null) => {
    online.delete(w.id);
    if (code !== 0 || signal) crashes++;
  });

  const outcomes = new Map<number, Outcome>();
  const aborted = new Set<number>();
  const controllers = new Map<number, AbortController>();
  let settled = 0;
  let kills = 0;
  let aborts = 0;
  const between = ([lo, hi]: [number, number]) => lo + Math.floor(random() * (hi - lo + 1));
  let nextKill = s.killEvery ? between(s.killEvery) : Number.POSITIVE_INFINITY;
  let nextAbort = between(s.abortEvery);
  let allSettled!: () => void;
  const done = new Promise<void>((resolve) => (allSettled = resolve));

  /** The driver: strikes from outside as tasks settle (so a replay strikes at the same points). */
  const drive = () => {
    if (settled >= nextKill && s.killEvery) {
      nextKill = settled + between(s.killEvery);
      const live = [...online.values()].filter(running);
      if (live.length > 0) {
        const pid = live[Math.floor(random() * live.length)];
        try {
          process.kill(pid, 'SIGKILL');
          kills++;
        } catch {
          // it died meanwhile
        }
      }
    }
    if (settled >= nextAbort) {
      nextAbort = settled + between(s.abortEvery);
      const candidates = [...controllers.keys()];
      if (candidates.length > 0) {
        const id = candidates[Math.floor(random() * candidates.length)];
        aborted.add(id);
        aborts++;
        controllers.get(id)!.abort(new Error(`chaos driver aborted task ${id}`));
        controllers.delete(id);
      }
    }
  };

  const record = (id: number, ok: boolean, v: unknown) => {
    const o = outcomes.get(id)!;
    o.settles++;
    o.ok = ok;
    if (ok) o.value = v as Outcome['value'];
    else o.error = v;
    controllers.delete(id);
    settled++;
    drive();
    if (settled === steps.length) allSettled();
  };

  const submit = (step: Step) => {
    outcomes.set(step.id, { settles: 0, ok: false });
    let signal: AbortSignal | undefined;
    if (step.kind === 'slow') {
      const c = new AbortController();
      controllers.set(step.id, c);
      signal = c.signal;
    }
    pool.addTask({ id: step.id, kind: step.kind, once: step.once, dir, ms: step.ms }, { signal }).then(
      (v) => record(step.id, true, v),
      (e) => record(step.id, false, e),
    );
  };

  // Half the tasks at once (long queues move when their worker dies), the rest streamed.
  const half = Math.floor(steps.length / 2);
  for (const step of steps.slice(0, half)) submit(step);
  const rest = steps.slice(half);
  const window = 64 * s.workers;
  const feeder = (async () => {
    for (const step of rest) {
      while (outcomes.size - settled >= window) await sleep(2);
      submit(step);
    }
  })();

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), s.deadline)));
  const finished = await Promise.race([done.then(() => 'done' as const), deadline]);
  clearTimeout(timer);
  await feeder;
  const elapsed = Date.now() - began;
  if (finished === 'deadline') {
    const hung = steps.filter((step) => (outcomes.get(step.id)?.settles ?? 0) === 0);
    await pool.kill();
    assert.fail(
      `${hung.length} of ${steps.length} tasks did not settle within ${s.deadline} ms (seed ${seed}); first: ${JSON.stringify(hung.slice(0, 10))}; stats ${JSON.stringify(pool.stats)}`,
    );
  }

  // Every task settled exactly once, with its own result or a typed error.
  const resolved = new Set<number>();
  const rejected = new Set<number>();
  let collateral = 0;
  const byError = new Map<string, number>();
  for (const step of steps) {
    const o = outcomes.get(step.id)!;
    assert.equal(o.settles, 1, `task ${step.id} settled ${o.settles} times`);
    if (o.ok) {
      resolved.add(step.id);
      assert.equal(o.value?.id, step.id, `task ${step.id} resolved with the result of task ${o.value?.id}`);
      assert.ok(step.once || aborted.has(step.id) || step.kind === 'ok' || step.kind === 'slow', `poison task ${step.id} (${step.kind}) resolved`);
      continue;
    }
    rejected.add(step.id);
    const e = o.error;
    const name = e instanceof CallMaxRetryError ? `CallMaxRetryError(${(e.reason as Error)?.name})` : (e as Error)?.name;
    byError.set(name, (byError.get(name) ?? 0) + 1);
    if (aborted.has(step.id) && e instanceof TaskAbortedError) continue;
    if (s.maxRetries > 0) {
      assert.ok(e instanceof CallMaxRetryError, `task ${step.id} (${step.kind}) rejected with ${String(e)}`);
      assert.ok(isCrashOrTimeout(e.reason), `task ${step.id}: the reason is a crash or timeout, not ${String(e.reason)}`);
      assert.equal(e.attempts, s.maxRetries + 1, `task ${step.id}: ${e.attempts} attempts`);
    } else {
      assert.ok(isCrashOrTimeout(e), `task ${step.id} (${step.kind}) rejected with ${String(e)}`);
    }
    if (step.kind === 'ok' || step.kind === 'slow' || (step.once && s.maxRetries > 0)) collateral++;
  }
  assert.equal(resolved.size + rejected.size, steps.length);
  for (const step of steps) {
    if (!step.once && !aborted.has(step.id)) assert.ok(rejected.has(step.id), `poison task ${step.id} (${step.kind}) must fail`);
  }
  if (s.maxRetries === 0 && s.concurrency === 1) {
    // No retries and one call per worker: exactly the tasks that struck (or were aborted) fail.
    for (const step of steps) {
      const struck = step.kind !== 'ok' && step.kind !== 'slow';
      if (!aborted.has(step.id)) assert.equal(rejected.has(step.id), struck, `task ${step.id} (${step.kind})`);
    }
  }
  if (s.maxRetries > 0) {
    // A task that is not poison fails only when every one of its attempts shared a worker with chaos.
    assert.ok(collateral <= Math.max(5, steps.length * 0.01), `${collateral} healthy tasks ran out of retries`);
  }

  // Each resolved result came from a completed run of that task.
  const log = readFileSync(join(dir, 'done.log'), 'utf8').trim().split('\n').map(Number);
  const runs = new Map<number, number>();
  for (const id of log) runs.set(id, (runs.get(id) ?? 0) + 1);
  for (const id of resolved) assert.ok(runs.has(id), `task ${id} resolved but no run of it completed`);
  const reran = [...runs.values()].filter((n) => n > 1).length;

  await eventually(() => pool.stats.queued === 0 && pool.stats.running === 0, 5000);

  // The pool still serves.
  const pings = await Promise.all(Array.from({ length: 4 * s.workers }, (_, i) => pool.runMethod<{ n: number; pid: number }>('ping', i)));
  assert.deepEqual(
    pings.map((p) => p.n),
    Array.from({ length: 4 * s.workers }, (_, i) => i),
  );
  for (const p of pings) if (s.runtime === 'process') pids.add(p.pid);
  for (const o of outcomes.values()) if (o.value && s.runtime === 'process') pids.add(o.value.pid);

  await pool.close();
  assert.equal(pool.workers.length, 0);
  if (s.runtime === 'process') {
    assert.ok(pids.size >= s.workers);
    await eventually(() => [...pids].every((pid) => !running(pid)), 5000).catch(() => {
      assert.fail(`processes left alive after close: ${[...pids].filter(running).join(', ')}`);
    });
  }
  // No thread, child or pipe of the pool left (handles close a moment after the exit).
  const count = (list: string[], type: string) => list.filter((r) => r === type).length;
  await eventually(() => {
    const now = process.getActiveResourcesInfo();
    return ['MessagePort', 'ProcessWrap', 'PipeWrap', 'Worker'].every((type) => count(now, type) <= count(before, type));
  }, 5000).catch(() => assert.fail(`handles left after close: ${process.getActiveResourcesInfo().join(', ')} (before: ${before.join(', ')})`));

  const summary =
    `${s.runtime}: ${steps.length} tasks in ${elapsed} ms, seed ${seed}: ${resolved.size} resolved, ${rejected.size} rejected ` +
    `(${[...byError].map(([k, v]) => `${k} ${v}`).join(', ')}), ${crashes} worker crashes, ${kills} SIGKILLs, ${aborts} aborts, ` +
    `${collateral} healthy tasks out of retries, ${reran} tasks ran to completion more than once`;
  console.log(summary);
  t.diagnostic(summary);
}

const deadline = (reduced: number) => (FULL ? 480_000 : reduced);

describe(`chaos (${FULL ? 'full' : 'reduced'} size, seed ${SEED})`, () => {
  const scenarios: [string, Scenario][] = [
    [
      'on threads while workers exit, throw, run out of memory and are terminated (pipelined calls)',
      {
        runtime: 'thread',
        tasks: FULL ? 10_000 : 1000,
        workers: 3,
        concurrency: 2,
        maxRetries: 3,
        rate: FULL ? 0.008 : 0.012,
        kinds: { exit: 4, throw: 4, oom: 2 },
        maxHangs: 0,
        poison: FULL ? 5 : 1,
        abortEvery: FULL ? [150, 400] : [60, 200],
        options: { resourceLimits: { maxOldGenerationSizeMb: 64 } },
        deadline: deadline(40_000),
      },
    ],
    [
      'on processes while workers are SIGKILLed, exit, throw and are terminated (pipelined calls)',
      {
        runtime: 'process',
        tasks: FULL ? 10_000 : 400,
        workers: 3,
        concurrency: 2,
        maxRetries: 3,
        rate: FULL ? 0.006 : 0.01,
        kinds: { exit: 4, throw: 3, sigkill: 3 },
        maxHangs: 0,
        poison: FULL ? 4 : 1,
        killEvery: FULL ? [150, 450] : [80, 160],
        abortEvery: FULL ? [200, 500] : [60, 200],
        deadline: deadline(40_000),
      },
    ],
    [
      'on processes with a timeout while tasks hang (terminated by the timeout), exit and are SIGKILLed',
      {
        runtime: 'process',
        tasks: FULL ? 2000 : 200,
        workers: 2,
        concurrency: 1,
        maxRetries: 3,
        timeout: 1000,
        rate: FULL ? 0.01 : 0.02,
        kinds: { hang: 2, exit: 1, sigkill: 1 },
        maxHangs: FULL ? 6 : 2,
        poison: 1,
        killEvery: FULL ? [100, 300] : [50, 100],
        abortEvery: [50, 150],
        deadline: deadline(30_000),
      },
    ],
    [
      'on threads with maxRetries 0: a crash or timeout rejects with the WorkerCrashError / TimeoutError itself',
      {
        runtime: 'thread',
        tasks: FULL ? 2000 : 300,
        workers: 2,
        concurrency: 1,
        maxRetries: 0,
        timeout: 1000,
        rate: 0.02,
        kinds: { exit: 2, throw: 2, hang: 1 },
        maxHangs: FULL ? 4 : 1,
        poison: 0,
        abortEvery: [50, 150],
        deadline: deadline(20_000),
      },
    ],
  ];
  scenarios.forEach(([title, scenario], i) => {
    it(`${scenario.tasks} tasks ${title}`, { timeout: scenario.deadline + 20_000 }, (t) => runScenario(t, scenario, (SEED + i) >>> 0));
  });
});
