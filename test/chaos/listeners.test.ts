// Property (issue 18 finding 5, issue 15): listeners of every worker event (online, exit, error,
// message, disconnect, close, ttl, recycle, idle) throw or reject at random points of a busy
// pool's life — calls that succeed, post messages, crash their worker, ttl and heap recycling,
// idle reaping — ended by close(), close({ force }) or kill() at a random point. For every plan:
//   - every call settles (exactly once: a promise cannot settle twice, and none may hang), with
//     its result or an error the pool documents;
//   - close() / kill() settle, and no worker is left listed;
//   - every throw of a non-'error' listener is reported once as 'error' (worker, error);
//   - no unhandled rejection.
// Size: a few plans per runtime in `npm test`; WORKFORCE_CHAOS=full (npm run test:chaos) runs
// many more. fast-check prints the seed and path of a failing plan.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { CallMaxRetryError, createPool, PoolClosedError, WorkerCrashError } from 'workforcejs';
import { fixture, RUNTIMES, sleep } from '../helpers.js';

const FULL = process.env.WORKFORCE_CHAOS === 'full';
const RUNS = { thread: FULL ? 60 : 4, process: FULL ? 25 : 2 };
const MODULE = fixture('dur-worker.mjs');
const EVENTS = ['online', 'exit', 'error', 'message', 'disconnect', 'close', 'ttl', 'recycle', 'idle'] as const;
type Event = (typeof EVENTS)[number];
/** How long anything may take before it counts as hung. */
const DEADLINE_MS = 30_000;

const root = mkdtempSync(join(tmpdir(), 'workforce-listener-chaos-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Op = 'ok' | 'post' | 'crash' | 'slow' | 'pause' | 'drain';
type End = 'close' | 'close({ force })' | 'kill';

interface Plan {
  /** Per event: at which of its emits (0-based) the listener throws, and whether it rejects (async) instead. */
  faults: Record<Event, { at: number[]; async: boolean }>;
  ops: Op[];
  /** The pool is ended after this many ops (the rest are still made). */
  endAt: number;
  end: End;
  ttl: number;
  recycleEveryCall: boolean;
}

const faultArb = fc.record({ at: fc.uniqueArray(fc.nat(6), { maxLength: 4 }), async: fc.boolean() });
const planArb: fc.Arbitrary<Plan> = fc
  .record({
    faults: fc.record(Object.fromEntries(EVENTS.map((e) => [e, faultArb])) as Record<Event, typeof faultArb>),
    ops: fc.array(fc.constantFrom<Op>('ok', 'ok', 'ok', 'post', 'crash', 'slow', 'pause', 'drain'), { minLength: 4, maxLength: 24 }),
    endAt: fc.nat(24),
    end: fc.constantFrom<End>('close', 'close({ force })', 'kill'),
    ttl: fc.integer({ min: 2, max: 6 }),
    recycleEveryCall: fc.boolean(),
  })
  .map((p) => ({ ...p, endAt: Math.min(p.endAt, p.ops.length) }));

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function runPlan(runtime: 'thread' | 'process', plan: Plan): Promise<void> {
  const dir = mkdtempSync(join(root, 'plan-'));
  const pool = createPool({
    module: MODULE,
    runtime,
    numberOfWorkers: 2,
    execArgv: [],
    fork: { execArgv: [] },
    maxRetries: 1,
    ttl: plan.ttl,
    maxIdleTime: 15,
    ...(plan.recycleEveryCall ? { maxHeapBeforeRecycle: 1 } : {}),
  });
  const reported: unknown[] = [];
  const thrown: { event: Event; error: Error }[] = [];
  pool.on('error', (_worker: unknown, error: unknown) => reported.push(error));
  for (const event of EVENTS) {
    let emits = 0;
    const { at, async } = plan.faults[event];
    pool.on(event, () => {
      if (!at.includes(emits++)) return;
      const error = new Error(`planned throw in a '${event}' listener`);
      thrown.push({ event, error });
      if (async) return Promise.reject(error);
      throw error;
    });
  }
  const calls: Promise<PromiseSettledResult<unknown>>[] = [];
  const call = (promise: Promise<unknown>) =>
    calls.push(
      promise.then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason) => ({ status: 'rejected', reason }) as const,
      ),
    );
  const expected: unknown[] = [];
  let ended: Promise<void> | undefined;
  const end = () => {
    ended = plan.end === 'kill' ? pool.kill() : pool.close(plan.end === 'close' ? {} : { force: true });
  };
  for (const [i, op] of plan.ops.entries()) {
    if (i === plan.endAt) end();
    if (op === 'ok') {
      call(pool.run(i));
      expected.push(i);
    } else if (op === 'post') {
      call(pool.runMethod('post', 'progress', i));
      expected.push('posted');
    } else if (op === 'crash') {
      call(pool.runMethod('poison', dir, 'exit'));
      expected.push(undefined); // never a result: it always kills its worker
    } else if (op === 'slow') {
      call(pool.runMethod('sleep', 20, i));
      expected.push(i);
    } else if (op === 'pause') await sleep(25);
    else await Promise.all(calls);
  }
  if (!ended) end();
  const outcomes = await within(Promise.all(calls), 'the calls');
  await within(ended as Promise<void>, plan.end);
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 'fulfilled') {
      assert.deepEqual(outcome.value, expected[i], `call ${i}: its own result`);
      continue;
    }
    const error = outcome.reason;
    const documented = error instanceof PoolClosedError || error instanceof CallMaxRetryError || error instanceof WorkerCrashError;
    assert.ok(documented, `call ${i} rejected with an undocumented error: ${error?.stack ?? error}`);
  }
  assert.equal(pool.workers.length, 0, 'no worker listed after the pool ended');
  await sleep(5); // a planned rejection is reported in a later microtask
  for (const { event, error } of thrown) {
    if (event === 'error') continue; // a throw from an 'error' listener is a process warning
    assert.equal(reported.filter((r) => r === error).length, 1, `the '${event}' listener's throw reported once`);
  }
  rmSync(dir, { recursive: true, force: true });
}

describe('throwing listeners at random points of a busy pool’s life', () => {
  for (const runtime of RUNTIMES) {
    it(`${runtime}: every call settles, close()/kill() settle, every throw is reported once (${RUNS[runtime]} plans)`, {
      timeout: FULL ? 1_800_000 : 180_000,
    }, async () => {
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', onRejection);
      // the planned 'error' listener throws become process warnings: counted by the listener tests, muted here
      const warn = process.emitWarning;
      process.emitWarning = (() => {}) as typeof process.emitWarning;
      try {
        await fc.assert(
          fc.asyncProperty(planArb, (plan) => runPlan(runtime, plan)),
          { numRuns: RUNS[runtime], endOnFailure: true },
        );
      } finally {
        process.emitWarning = warn;
        process.off('unhandledRejection', onRejection);
      }
      assert.deepEqual(rejections, [], 'no unhandled rejection');
    });
  }
});
