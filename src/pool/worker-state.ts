/** The states a worker goes through in the pool and the only legal moves between them. */
import { AssertionError } from 'node:assert';
import createDebug from 'debug';

const debug = createDebug('workforce:state');

/**
 * - `starting`: the factory and the worker's init() run; routing already queues tasks on it.
 * - `ready`: serving calls.
 * - `retiring`: reached its ttl (or the recycle rule): takes no new tasks, finishes the forced
 *   tasks kept on it, then is stopped.
 * - `stopping`: being ended on purpose (close, idle, kill, terminate, the pool gave up); what it
 *   still runs finishes, or is retried once it is gone. A worker stopped while starting first
 *   finishes starting (unless killed), then is ended.
 * - `failed`: its start failed (init() rejected or timed out) while it may still run: it is being
 *   destroyed, and its `exit` event is due once it is gone.
 * - `dead`: gone. Final.
 */
export type WorkerState = 'starting' | 'ready' | 'retiring' | 'stopping' | 'failed' | 'dead';

/** Every legal move; anything else is a bug in the pool. */
export const TRANSITIONS: Readonly<Record<WorkerState, readonly WorkerState[]>> = {
  // online; stopped (close, kill, the pool failed); init() failed; exited while starting
  starting: ['ready', 'stopping', 'failed', 'dead'],
  // ttl / recycle rule; stopped (idle, close, kill, terminate); crashed
  ready: ['retiring', 'stopping', 'dead'],
  // drained, killed or terminated; crashed
  retiring: ['stopping', 'dead'],
  // gone
  stopping: ['dead'],
  // gone (its exit reported, or destroy() settled)
  failed: ['dead'],
  dead: [],
};

/**
 * Under the test runner (WORKFORCE_TEST=1, set by scripts/run-tests.mjs) an illegal move throws,
 * so a test that drives the pool into one fails at the spot. Elsewhere it is logged
 * (DEBUG=workforce:state) and made anyway: a user's pool keeps the behaviour it had rather than
 * failing in the middle of its own bookkeeping.
 */
const STRICT = process.env.WORKFORCE_TEST === '1';

export function canMove(from: WorkerState, to: WorkerState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Checks the move `from` → `to` of worker `id`; returns `to`. */
export function checkMove(id: number | string, from: WorkerState, to: WorkerState, strict = STRICT): WorkerState {
  if (canMove(from, to)) return to;
  const message = `worker ${id}: illegal state change ${from} → ${to} (legal from ${from}: ${TRANSITIONS[from].join(', ') || 'none'})`;
  if (strict) throw new AssertionError({ message, actual: to, expected: TRANSITIONS[from], operator: 'canMove' });
  debug(message);
  return to;
}
