/**
 * The errors workforce's worker runtime raised itself and handed to user code (a message that
 * could not be sent, an aborted nested task, the signal's reason when the pool cancels a call).
 * When a task rethrows one, it is still the runtime's own: it goes back marked as such (by
 * identity, which user code cannot forge) and the pool rebuilds it as workforce's class. Any
 * other error a task throws is user data, whatever its name.
 */
const raised = new WeakSet<object>();

/** Marks `error` as raised by the runtime; returns it. */
export function raise<E extends Error>(error: E): E {
  raised.add(error);
  return error;
}

export function isRaised(error: unknown): error is Error {
  return typeof error === 'object' && error !== null && raised.has(error);
}
