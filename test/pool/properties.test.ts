// Property test of the scheduler's invariants: the generic WorkPool over in-memory fake workers
// (no threads), driven by random sequences of add / cancel / crash (of a ready or of a starting
// worker) / complete / tick / close (drain or force, in the middle of the sequence: the other
// operations go on while the pool closes), ended by close, close({ force }) or kill. For every
// sequence:
//   - every task settles exactly once, with a result or an error the pool documents;
//   - a call made after close() is refused with PoolClosedError, and so are the calls not started
//     at close({ force }) and every call still pending at kill();
//   - the pool's own counters agree (completed + failed = tasks accepted; queued = running = 0);
//   - no task runs on two workers at once, or again after it settled;
//   - a task with 'force' affinity only ever runs on its worker;
//   - nothing is left: every worker the pool made is destroyed, none is made after the end.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CallMaxRetryError,
  type ExecuteContext,
  type ExitInfo,
  InvalidOptionError,
  PoolClosedError,
  type PoolWorker,
  TaskAbortedError,
  WorkerCrashError,
  WorkPool,
} from 'workforcejs';

interface Job {
  n: number;
  /** The worker a 'force' task is pinned to. */
  force?: number;
  /** Its affinity names a worker that never existed: refused at the call, whatever its strength. */
  unknown?: boolean;
  /** Stops by itself when its signal fires (otherwise only terminate() ends it). */
  coop: boolean;
}

interface Exec {
  job: Job;
  resolve: (v: number) => void;
  reject: (e: unknown) => void;
}

/**
 * 300 runs for `npm test`, 3000 for `npm run test:chaos`, or WORKFORCE_PROPERTY_RUNS=<n>
 * (fast-check prints a seed and path to replay a failure).
 */
const RUNS = Number(process.env.WORKFORCE_PROPERTY_RUNS ?? (process.env.WORKFORCE_CHAOS === 'full' ? 3000 : 300));

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An error the user's task threw (not retried). */
class TaskError extends Error {
  override name = 'TaskError';
}

/** What the fake workers saw: where each task runs, which have settled, and what went wrong. */
class World {
  readonly running = new Map<number, number>();
  readonly settled = new Set<number>();
  readonly workers: FakeWorker[] = [];
  readonly violations: string[] = [];
  /** Once set, every call completes on the next turn (so close() can drain). */
  auto = false;

  violation(text: string): void {
    this.violations.push(text);
  }
}

class FakeWorker implements PoolWorker<Job, number> {
  active = true;
  ready = false;
  readonly pending = new Set<Exec>();
  readonly #listeners: ((info: ExitInfo) => void)[] = [];

  constructor(
    readonly id: number,
    private readonly world: World,
  ) {
    world.workers.push(this);
  }

  async init(): Promise<void> {
    await tick();
    this.ready = true;
  }

  execute(job: Job, ctx: ExecuteContext): Promise<number> {
    const { world } = this;
    if (!this.active) world.violation(`task ${job.n} started on worker ${this.id}, which is gone`);
    const where = world.running.get(job.n);
    if (where !== undefined) world.violation(`task ${job.n} started on worker ${this.id} while running on worker ${where}`);
    if (world.settled.has(job.n)) world.violation(`task ${job.n} started on worker ${this.id} after it settled`);
    if (job.force !== undefined && job.force !== this.id) world.violation(`task ${job.n} forced to worker ${job.force} ran on ${this.id}`);
    world.running.set(job.n, this.id);
    return new Promise<number>((resolve, reject) => {
      const exec: Exec = { job, resolve, reject };
      this.pending.add(exec);
      if (job.coop) ctx.signal?.addEventListener('abort', () => this.finish(exec, false, new TaskAbortedError('stopped by its signal')), { once: true });
      if (world.auto) setImmediate(() => this.finish(exec, true));
    });
  }

  /** Ends one call: a result (this worker's id) or an ordinary error. */
  finish(exec: Exec, ok: boolean, error: unknown = new TaskError(`task ${exec.job.n} failed`)): void {
    if (!this.pending.delete(exec)) return;
    this.#stopped(exec);
    if (ok) exec.resolve(this.id);
    else exec.reject(error);
  }

  /** Dies: the pool hears about it first, then the calls it held fail. */
  crash(planned = false): void {
    if (!this.active) return;
    this.active = false;
    const execs = [...this.pending];
    this.pending.clear();
    for (const exec of execs) this.#stopped(exec);
    for (const listener of this.#listeners) listener({ exitCode: planned ? 0 : 1, signal: null, planned });
    for (const exec of execs) exec.reject(new Error(`worker ${this.id} died`));
  }

  async destroy(): Promise<void> {
    await tick();
    this.crash(true);
  }

  onExit(listener: (info: ExitInfo) => void): void {
    this.#listeners.push(listener);
  }

  #stopped(exec: Exec): void {
    if (this.world.running.get(exec.job.n) === this.id) this.world.running.delete(exec.job.n);
  }
}

type Op =
  | { type: 'add'; target: number | undefined; strength: 'light' | 'strong' | 'force'; coop: boolean }
  | { type: 'cancel'; k: number }
  | { type: 'crash'; k: number; starting: boolean }
  | { type: 'close'; force: boolean }
  | { type: 'complete'; k: number; ok: boolean }
  | { type: 'tick' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('add' as const),
      // an index among the live workers, or (4) the id of a worker that does not exist
      target: fc.option(fc.nat(4), { nil: undefined }),
      strength: fc.constantFrom('light' as const, 'strong' as const, 'force' as const),
      coop: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('cancel' as const), k: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('crash' as const), k: fc.nat(), starting: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('close' as const), force: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ type: fc.constant('complete' as const), k: fc.nat(), ok: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('tick' as const) }) },
);

const scenarioArb = fc.record({
  maxWorkers: fc.integer({ min: 1, max: 3 }),
  minShare: fc.double({ min: 0, max: 1, noNaN: true }),
  concurrency: fc.integer({ min: 1, max: 3 }),
  maxRetries: fc.integer({ min: 0, max: 3 }),
  cancelGracePeriod: fc.constantFrom(0, 0, 2, 1000),
  ttl: fc.constantFrom(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 1, 3),
  maxIdleTime: fc.constantFrom(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0, 2),
  strongAffinityThreshold: fc.integer({ min: 0, max: 3 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 60 }),
  end: fc.constantFrom('close' as const, 'force' as const, 'kill' as const),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface Record {
  job: Job;
  /** Made after close(): must be refused with PoolClosedError, and is not counted by the pool. */
  afterClose: boolean;
  settles: number;
  ok?: boolean;
  value?: unknown;
  controller: AbortController;
  cancelled: boolean;
}

export async function check(s: Scenario): Promise<void> {
  const world = new World();
  const minWorkers = Math.floor(s.minShare * (s.maxWorkers + 1)) > s.maxWorkers ? s.maxWorkers : Math.floor(s.minShare * (s.maxWorkers + 1));
  const pool = new WorkPool<Job, number, FakeWorker>(({ id }) => new FakeWorker(id, world), {
    minWorkers,
    maxWorkers: s.maxWorkers,
    concurrency: s.concurrency,
    maxRetries: s.maxRetries,
    cancelGracePeriod: s.cancelGracePeriod,
    ttl: s.ttl,
    maxIdleTime: s.maxIdleTime,
    strongAffinityThreshold: s.strongAffinityThreshold,
  });
  const tasks: Record[] = [];
  let closedBy: 'close' | 'force' | undefined;
  let closing: Promise<void> | undefined;
  let startCrashes = 0;
  /** Tasks that must end with PoolClosedError: not started at close({ force }), unsettled at kill(). */
  const mustBeRefused = new Set<Record>();
  const markRefused = async (running: boolean) => {
    // let settlements already made reach our records (they travel through a few promise jobs)
    for (let i = 0; i < 10; i++) await Promise.resolve();
    for (const r of tasks) if (r.settles === 0 && !r.afterClose && (running || !world.running.has(r.job.n))) mustBeRefused.add(r);
  };
  const settle = (r: Record, ok: boolean, value: unknown) => {
    r.settles++;
    r.ok = ok;
    r.value = value;
    world.settled.add(r.job.n);
  };

  for (const op of s.ops) {
    switch (op.type) {
      case 'add': {
        const live = pool.workers.map((w) => w.id);
        const affinity = op.target === undefined ? undefined : op.target < live.length ? live[op.target] : 1000 + op.target;
        const job: Job = {
          n: tasks.length,
          coop: op.coop,
          force: affinity !== undefined && op.strength === 'force' ? affinity : undefined,
          unknown: affinity !== undefined && !live.includes(affinity),
        };
        const r: Record = { job, afterClose: closedBy !== undefined, settles: 0, controller: new AbortController(), cancelled: false };
        tasks.push(r);
        pool.submit(job, { affinity, affinityStrength: affinity === undefined ? undefined : op.strength, signal: r.controller.signal }).then(
          (v) => settle(r, true, v),
          (e) => settle(r, false, e),
        );
        break;
      }
      case 'cancel': {
        const open = tasks.filter((t) => t.settles === 0 && !t.cancelled);
        if (open.length === 0) break;
        const r = open[op.k % open.length];
        r.cancelled = true;
        r.controller.abort(new Error('cancelled by the test'));
        break;
      }
      case 'crash': {
        // a worker that dies while starting is a start failure (backoff, then a new one): a few at most,
        // or the backoff (and after maxStartFailures the pool's failure) would be all there is to see
        if (op.starting && startCrashes >= 3) break;
        const live = world.workers.filter((w) => w.active && w.ready !== op.starting);
        if (live.length === 0) break;
        if (op.starting) startCrashes++;
        live[op.k % live.length].crash();
        break;
      }
      case 'close':
        if (closedBy !== undefined) break;
        closedBy = op.force ? 'force' : 'close';
        if (op.force) await markRefused(false);
        closing = pool.close({ force: op.force });
        break;
      case 'complete': {
        const execs = world.workers.flatMap((w) => [...w.pending].map((e) => [w, e] as const));
        if (execs.length === 0) break;
        const [w, e] = execs[op.k % execs.length];
        w.finish(e, op.ok);
        break;
      }
      case 'tick':
        await tick();
        break;
    }
    await Promise.resolve();
  }

  // The end: drain (every call completes from now on), force-close or kill.
  let ending: Promise<void>;
  if (s.end !== 'close' && closedBy !== 'force') await markRefused(s.end === 'kill');
  if (s.end === 'kill') ending = pool.kill();
  else {
    // a second close() returns the first one's promise
    ending = pool.close({ force: s.end === 'force' });
    if (closing) assert.equal(ending, closing, 'close() again returns the same promise');
    world.auto = true;
    for (const w of world.workers) for (const e of [...w.pending]) setImmediate(() => w.finish(e, true));
  }
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ending.then(() => 'ended' as const),
    new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 1000))),
  ]);
  clearTimeout(timer);
  assert.equal(outcome, 'ended', `${s.end} did not finish; stats ${JSON.stringify(pool.stats)}`);
  if (closing) {
    const closed = await Promise.race([closing.then(() => true), tick().then(() => false)]);
    assert.ok(closed, 'the close() made during the sequence finished too');
  }
  for (let i = 0; i < 3; i++) await tick();

  assert.deepEqual(world.violations, []);
  for (const r of tasks) {
    assert.equal(r.settles, 1, `task ${r.job.n} settled ${r.settles} times`);
    if (r.afterClose) {
      assert.ok(r.ok === false && r.value instanceof PoolClosedError, `task ${r.job.n}, made after close(), got ${String(r.value)}`);
      continue;
    }
    if (mustBeRefused.has(r)) {
      assert.ok(
        r.ok === false && r.value instanceof PoolClosedError,
        `task ${r.job.n}, queued at close({ force }) or pending at kill(), got ${String(r.value)}`,
      );
      continue;
    }
    if (r.ok) {
      assert.equal(typeof r.value, 'number');
      if (r.job.force !== undefined) assert.equal(r.value, r.job.force, `forced task ${r.job.n} ran on worker ${r.value}`);
      continue;
    }
    const e = r.value;
    const allowed =
      (r.cancelled && e instanceof TaskAbortedError) ||
      e instanceof TaskError ||
      (s.maxRetries > 0 && e instanceof CallMaxRetryError && e.reason instanceof Error) ||
      (s.maxRetries === 0 && e instanceof WorkerCrashError) ||
      // a forced task whose worker is gone, or that names a worker that never existed
      (r.job.force !== undefined && (e instanceof InvalidOptionError || e instanceof WorkerCrashError || e instanceof PoolClosedError)) ||
      (r.job.unknown === true && e instanceof InvalidOptionError) ||
      ((s.end !== 'close' || closedBy === 'force') && e instanceof PoolClosedError);
    assert.ok(allowed, `task ${r.job.n} (${JSON.stringify(r.job)}, cancelled ${r.cancelled}) rejected with ${String(e)}`);
  }
  const stats = pool.stats;
  assert.equal(stats.queued, 0, 'nothing queued');
  assert.equal(stats.running, 0, 'nothing running');
  // only calls made after close(), and those naming a worker that never existed, are refused at submit (no aborted signal, no queue limit here)
  const accepted = tasks.filter((t) => !t.afterClose && !(t.job.unknown && t.value instanceof InvalidOptionError));
  assert.equal(stats.completed + stats.failed, accepted.length, 'the pool counted each task once');
  assert.equal(stats.completed, tasks.filter((t) => t.ok).length);
  assert.equal(world.running.size, 0, `still running: ${[...world.running.keys()]}`);
  const made = world.workers.length;
  assert.ok(
    world.workers.every((w) => !w.active),
    `workers left: ${world.workers
      .filter((w) => w.active)
      .map((w) => w.id)
      .join(', ')}`,
  );
  await tick();
  assert.equal(world.workers.length, made, 'no worker is made after the pool ended');
  await assert.rejects(pool.submit({ n: -1, coop: true }), PoolClosedError);
}

describe('scheduler properties (fast-check, fake workers)', () => {
  it('for random add / cancel / crash / complete sequences, every task settles exactly once and nothing is left', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, (s) => check(s)),
      { numRuns: RUNS, interruptAfterTimeLimit: 25_000, seed: process.env.WORKFORCE_PROPERTY_SEED ? Number(process.env.WORKFORCE_PROPERTY_SEED) : undefined },
    );
  });
});
