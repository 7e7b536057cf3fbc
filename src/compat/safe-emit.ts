/** Emits an event so that no listener can break the emitter's caller: each listener runs on its own, a throw is reported. */
import type { EventEmitter } from 'node:events';

/**
 * Calls every listener of `event` on `emitter`, each in its own try: a throwing listener neither
 * stops the others nor reaches the code that emitted (the farm's own bookkeeping, kill()). What it
 * threw is the emitter's 'error' event (worker, error) when someone listens to it, else a process
 * warning. Returns whether any listener was called, like `emit`.
 */
export function safeEmit(emitter: EventEmitter, event: string, worker: unknown, ...args: unknown[]): boolean {
  const listeners = emitter.rawListeners(event) as ((...a: unknown[]) => unknown)[];
  for (const listener of listeners) {
    try {
      // rawListeners keeps `once` wrappers, which remove themselves when called
      listener.apply(emitter, args);
    } catch (error) {
      if (event !== 'error' && emitter.listenerCount('error') > 0) safeEmit(emitter, 'error', worker, worker, error);
      else
        process.emitWarning(
          `A ${JSON.stringify(event)} listener threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          'WorkforceWarning',
        );
    }
  }
  return listeners.length > 0;
}
