// The per-worker state machine (src/pool/worker-state.ts): the table of legal moves, that every
// other move throws under the test runner (WORKFORCE_TEST=1) and is only logged elsewhere, that
// WorkerHandle.moveTo is checked against it, and that a busy pool's life (crashes at start and
// at work, ttl recycling, idle reaping, terminate, close, kill) only ever makes legal moves.
import assert, { AssertionError } from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkPool } from '../../src/pool/work-pool.js';
import { WorkerHandle } from '../../src/pool/worker-handle.js';
import { canMove, checkMove, TRANSITIONS, type WorkerState } from '../../src/pool/worker-state.js';
import type { ExecuteContext, ExitInfo, PoolWorker } from '../../src/worker/types.js';
import { sleep } from '../helpers.js';

const STATES: WorkerState[] = ['starting', 'ready', 'retiring', 'stopping', 'failed', 'dead'];

describe('worker state machine', () => {
  it('the table: exactly these moves are legal', () => {
    assert.deepEqual(TRANSITIONS, {
      starting: ['ready', 'stopping', 'failed', 'dead'],
      ready: ['retiring', 'stopping', 'dead'],
      retiring: ['stopping', 'dead'],
      stopping: ['dead'],
      failed: ['dead'],
      dead: [],
    });
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...STATES].sort(), 'every state has a row');
  });

  it('dead is final and reachable from every other state; every state is reachable from starting', () => {
    assert.deepEqual(TRANSITIONS.dead, []);
    for (const s of STATES) if (s !== 'dead') assert.ok(canMove(s, 'dead'), `${s} → dead`);
    const seen = new Set<WorkerState>(['starting']);
    for (const s of seen) for (const next of TRANSITIONS[s]) seen.add(next);
    assert.deepEqual([...seen].sort(), [...STATES].sort());
  });

  it('an illegal move throws an AssertionError naming the worker and both states when strict, and is made anyway when not', () => {
    for (const from of STATES) {
      for (const to of STATES) {
        if (canMove(from, to)) {
          assert.equal(checkMove(7, from, to, true), to);
          continue;
        }
        assert.throws(
          () => checkMove(7, from, to, true),
          (error: unknown) => error instanceof AssertionError && error.message.includes('worker 7') && error.message.includes(`${from} → ${to}`),
          `${from} → ${to}`,
        );
        assert.equal(checkMove(7, from, to, false), to, 'outside tests the move is logged and made');
      }
    }
  });

  it('WorkerHandle.moveTo is the checked way to change state (strict under the test runner)', () => {
    assert.equal(process.env.WORKFORCE_TEST, '1', 'scripts/run-tests.mjs sets WORKFORCE_TEST=1');
    const handle = new WorkerHandle(1, 1);
    assert.equal(handle.state, 'starting');
    handle.moveTo('ready');
    handle.moveTo('retiring');
    assert.throws(() => handle.moveTo('ready'), AssertionError);
    assert.equal(handle.state, 'retiring', 'a refused move leaves the state as it was');
    handle.moveTo('stopping');
    handle.moveTo('dead');
    assert.throws(() => handle.moveTo('starting'), AssertionError);
    assert.throws(() => {
      (handle as unknown as { state: WorkerState }).state = 'ready';
    }, TypeError);
  });

  it('a busy pool’s whole life makes only legal moves (an illegal one would throw out of the pool)', async () => {
    // Fake workers: some fail init(), some crash at work; ttl recycling, idle reaping, a timeout
    // whose call ignores its signal (terminate), then close() and kill().
    class Fake implements PoolWorker<number, number> {
      active = true;
      readonly #exits: ((info: ExitInfo) => void)[] = [];
      constructor(readonly id: number) {}
      async init(): Promise<void> {
        if (this.id % 5 === 2) throw new Error(`worker ${this.id} cannot start`);
      }
      async execute(n: number, ctx: ExecuteContext): Promise<number> {
        if (n % 11 === 3) {
          this.#die();
          return new Promise(() => {});
        }
        if (n === -1) return new Promise(() => {}); // ignores its signal: terminated after the grace period
        await sleep(n % 3);
        if (ctx.signal?.aborted) throw ctx.signal.reason;
        return n;
      }
      onExit(listener: (info: ExitInfo) => void): void {
        this.#exits.push(listener);
      }
      destroy(): void {
        if (this.active) this.#die(true);
      }
      #die(planned = false): void {
        this.active = false;
        queueMicrotask(() => {
          for (const l of this.#exits) l({ exitCode: planned ? 0 : 1, signal: null, planned });
        });
      }
    }
    const errors: unknown[] = [];
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      for (const end of ['close', 'kill'] as const) {
        const pool = new WorkPool<number, number>(({ id }) => new Fake(id), {
          minWorkers: 1,
          maxWorkers: 3,
          ttl: 4,
          maxIdleTime: 5,
          maxRetries: 5,
          maxStartFailures: 100,
          timeout: 50,
          cancelGracePeriod: 5,
        });
        pool.on('error', (_w: unknown, e: unknown) => errors.push(e));
        const calls = Array.from({ length: 60 }, (_, i) => pool.submit(i).catch(() => 'failed'));
        calls.push(pool.submit(-1).catch(() => 'failed'));
        await Promise.all(calls.slice(0, 30));
        await sleep(20); // idle reaping
        if (end === 'close') await pool.close();
        else await pool.kill();
        await Promise.all(calls);
      }
      await sleep(10);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    // an illegal move throws from the pool's own code: as an unhandled rejection (start outcome), or out of a call
    assert.deepEqual(
      rejections.filter((r) => r instanceof AssertionError),
      [],
    );
    assert.ok(!errors.some((e) => e instanceof AssertionError));
  });
});
