// Chaos: thousands of tasks through small pools while workers die in every way a worker can die
// (SIGKILL from inside and from the driver outside, process.exit inside a task, an uncaught
// error, terminate() after a timeout, an abort or from the driver outside, a thread or process
// past its resourceLimits). Afterwards every task has settled exactly once (by our count and by
// the pool's), with its own result or a typed error, nothing hung (a deadline per scenario),
// every kind of death the plan names really happened, the pool still serves and closing it
// leaves no thread or process behind.
//
// Size: WORKFORCE_CHAOS=full (npm run test:chaos) runs 10,000 tasks per runtime; otherwise a
// reduced run for `npm test`. The seed is printed; WORKFORCE_CHAOS_SEED=<seed> replays the plan
// (which task does what, when the driver strikes). Timing still varies between runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { CallMaxRetryError, createPool, type ModulePool, type PoolOptions, TaskAbortedError, TimeoutError, WorkerCrashError } from 'workforcejs';
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
  /** The driver ends a thread from outside (its worker.terminate(), through destroy({ force })) every this many settled tasks. */
  terminateEvery?: [number, number];
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
  // Every kind of death the scenario names happens at least once, whatever the seed.
  for (const [kind, weight] of kinds) {
    if (weight <= 0 || steps.some((step) => step.kind === kind) || (kind === 'hang' && hangs >= s.maxHangs)) continue;
    const healthy = steps.filter((step) => step.kind === 'ok');
    Object.assign(healthy[Math.floor(random() * healthy.length)], { kind, ms: 0 });
    if (kind === 'hang') hangs++;
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
    // hung tasks are retried like crashed ones (not the default: a slow input is slow again)
    retryOnTimeout: true,
    cancelGracePeriod: 0,
    // The fixture is plain JS: workers need not load the test runner's tsx (faster respawns).
    execArgv: [],
    fork: { execArgv: [] },
    ...s.options,
  });
  try {
    const began = Date.now();
    const pids = new Set<number>();
    const online = new Map<number | string, number>();
    let crashes = 0;
    pool.on('online', (w: { id: number | string; pid?: number }) => {
      online.set(w.id, w.pid ?? 0);
      if (w.pid) pids.add(w.pid);
    });
    /** How workers died: `code 7`, `signal SIGKILL`, `error ERR_WORKER_OUT_OF_MEMORY`, … */
    const deaths = new Map<string, number>();
    const death = (how: string) => deaths.set(how, (deaths.get(how) ?? 0) + 1);
    pool.on('exit', (w: { id: number | string }, code: number | null, signal: string | null) => {
      online.delete(w.id);
      if (code !== 0 || signal) crashes++;
      death(signal ? `signal ${signal}` : `code ${code}`);
    });
    // a thread's uncaught error or its resourceLimits
    pool.on('error', (_w: unknown, error: { code?: string; message?: string }) => {
      death(`error ${error?.code ?? (/chaos: uncaught error/.test(String(error?.message)) ? 'uncaught' : error?.message)}`);
    });

    const outcomes = new Map<number, Outcome>();
    const aborted = new Set<number>();
    const controllers = new Map<number, AbortController>();
    let settled = 0;
    let kills = 0;
    let terminations = 0;
    let aborts = 0;
    const between = ([lo, hi]: [number, number]) => lo + Math.floor(random() * (hi - lo + 1));
    let nextKill = s.killEvery ? between(s.killEvery) : Number.POSITIVE_INFINITY;
    let nextTerminate = s.terminateEvery ? between(s.terminateEvery) : Number.POSITIVE_INFINITY;
    let nextAbort = between(s.abortEvery);
    let allSettled!: () => void;
    const done = new Promise<void>((resolve) => (allSettled = resolve));

    /** The driver: strikes from outside as tasks settle (so a replay strikes at the same points). */
    const drive = () => {
      if (settled >= nextKill && s.killEvery) {
        nextKill = settled + between(s.killEvery);
        const live = [...online.values()].filter((pid) => pid > 0 && running(pid));
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
      if (settled >= nextTerminate && s.terminateEvery) {
        nextTerminate = settled + between(s.terminateEvery);
        const live = pool.workers.filter((w) => online.has(w.id) && w.active);
        if (live.length > 0) {
          // from outside the pool, as user code holding a worker could: its thread's terminate()
          void live[Math.floor(random() * live.length)].destroy({ force: true });
          terminations++;
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
    let stopFeeding = false;
    const feeder = (async () => {
      for (const step of rest) {
        while (outcomes.size - settled >= window) {
          if (stopFeeding) return;
          await sleep(2);
        }
        submit(step);
      }
    })();

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), s.deadline)));
    const finished = await Promise.race([done.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    stopFeeding = true;
    await feeder;
    const elapsed = Date.now() - began;
    if (finished === 'deadline') {
      const hung = steps.filter((step) => outcomes.has(step.id) && outcomes.get(step.id)!.settles === 0);
      const stats = JSON.stringify(pool.stats);
      assert.fail(
        `${hung.length} of ${steps.length} tasks did not settle within ${s.deadline} ms (seed ${seed}); first: ${JSON.stringify(hung.slice(0, 10))}; stats ${stats}`,
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
    // The pool's own count: each task settled once inside the library too (a second settle, say a
    // result after a crash was already reported, would count twice).
    assert.equal(pool.stats.completed, resolved.size, 'tasks the pool counted as completed');
    assert.equal(pool.stats.failed, rejected.size, 'tasks the pool counted as failed');
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

    // The chaos happened: each kind of death the plan names struck at least once, and was seen.
    const fired = new Set(
      readdirSync(dir)
        .filter((f) => f.startsWith('fired-'))
        .map((f) => Number(f.slice(6))),
    );
    for (const kind of new Set(steps.map((step) => step.kind))) {
      if (kind === 'ok' || kind === 'slow') continue;
      assert.ok(
        // a `once` task leaves a marker when it strikes; a poison task strikes on every attempt
        steps.some((step) => step.kind === kind && (fired.has(step.id) || (!step.once && rejected.has(step.id)))),
        `no ${kind} task struck (seed ${seed}): ${JSON.stringify(steps.filter((step) => step.kind === kind).map((step) => ({ ...step, ...outcomes.get(step.id), error: String(outcomes.get(step.id)?.error) })))}`,
      );
    }
    const seen = (how: string) => (deaths.get(how) ?? 0) > 0;
    const expect = (kind: Kind, how: string) => {
      if (steps.some((step) => step.kind === kind)) assert.ok(seen(how), `${kind}: no worker died by ${how}; deaths: ${JSON.stringify([...deaths])}`);
    };
    // A process that struck process.exit(7) takes a moment to end: a driver SIGKILL picking that
    // pid meanwhile wins, and the death is reported (correctly) as SIGKILL. With kills in the
    // scenario, that the exit task struck (checked above) is the evidence; exit codes are checked
    // exactly in test/pool/events.test.ts.
    if (kills === 0 || seen('code 7')) expect('exit', 'code 7');
    expect('sigkill', 'signal SIGKILL');
    const outOfMemory = s.runtime === 'thread' ? 'error ERR_WORKER_OUT_OF_MEMORY' : 'signal SIGABRT';
    if (steps.some((step) => step.kind === 'oom') && !seen(outOfMemory)) {
      // Running out of memory takes a while: a terminate or an abort may end every chaos OOM
      // first. Then one more runs alone, on the quiet pool: it dies of its resourceLimits and its
      // retry returns.
      const id = steps.length;
      const value = await pool.addTask({ id, kind: 'oom', once: true, dir, ms: 0 });
      assert.equal((value as { id: number }).id, id);
    }
    expect('oom', outOfMemory);
    if (s.runtime === 'thread' && steps.some((step) => step.kind === 'throw') && !seen('error uncaught')) {
      // A chaos throw comes from a timer after its task started: a termination, or a task of the
      // same thread exiting or running out of memory, can end the thread first. Then one more runs
      // alone, on the quiet pool: its uncaught error ends its thread (and its retry returns).
      const id = steps.length + 1;
      const result = await pool.addTask({ id, kind: 'throw', once: true, dir, ms: 0 }).catch((error: unknown) => error);
      if (s.maxRetries === 0) assert.ok(result instanceof WorkerCrashError, String(result));
      else assert.equal((result as { id: number }).id, id);
    }
    if (s.runtime === 'thread') expect('throw', 'error uncaught');
    if (s.killEvery) assert.ok(kills > 0 && seen('signal SIGKILL'), 'the driver SIGKILLed no worker');
    if (s.terminateEvery) assert.ok(terminations > 0, 'the driver terminated no thread');

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
      `(${[...byError].map(([k, v]) => `${k} ${v}`).join(', ')}), ${crashes} worker crashes, ${kills} SIGKILLs, ${terminations} terminations, ${aborts} aborts, ` +
      `${collateral} healthy tasks out of retries, ${reran} tasks ran to completion more than once`;
    console.log(summary);
    t.diagnostic(summary);
  } finally {
    // a failed assertion must not leave workers behind (kill after close is harmless)
    await Promise.race([pool.kill(), sleep(5000)]);
  }
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
        terminateEvery: FULL ? [300, 700] : [100, 250],
        abortEvery: FULL ? [150, 400] : [60, 200],
        options: { resourceLimits: { maxOldGenerationSizeMb: 64 } },
        deadline: deadline(40_000),
      },
    ],
    [
      'on processes while workers are SIGKILLed, exit, throw, run out of memory and are terminated (pipelined calls)',
      {
        runtime: 'process',
        tasks: FULL ? 10_000 : 400,
        workers: 3,
        concurrency: 2,
        maxRetries: 3,
        rate: FULL ? 0.006 : 0.01,
        kinds: { exit: 4, throw: 3, sigkill: 3, oom: 1 },
        maxHangs: 0,
        poison: FULL ? 4 : 1,
        killEvery: FULL ? [150, 450] : [80, 160],
        abortEvery: FULL ? [200, 500] : [60, 200],
        // --max-old-space-size for a process: past it V8 aborts (SIGABRT); silent keeps its
        // FATAL ERROR report out of the test output
        options: { resourceLimits: { maxOldGenerationSizeMb: 64 }, fork: { execArgv: [], silent: true } },
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
