/** A module pool's messages both ways, and the worker events it forwards as pool events. */
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { PoolClosedError } from '../errors/pool-closed-error.js';
import { SerializationError } from '../errors/serialization-error.js';
import type { ModuleWorker } from '../worker/module-worker.js';
import type { Call } from '../worker/protocol.js';
import { MessageListeners, type PoolMessageListener } from './message-listeners.js';
import type { ModuleEngine } from './module-engine.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * `postMessageToWorkers` (also to workers still being made: buffered until they exist),
 * `onMessage` listeners for what workers post, and the worker events that become pool events
 * (`message`, `disconnect`, `close`, `error`).
 */
export class MessageBus {
  readonly #engine: ModuleEngine;
  readonly #listeners = new MessageListeners();
  /** Messages for workers the factory has not made yet; sent by attach(). Weak: a worker that is never made must not pin its messages. */
  readonly #unsent = new WeakMap<WorkerHandle<Call, unknown>, [string, unknown][]>();

  constructor(engine: ModuleEngine) {
    this.#engine = engine;
  }

  /** Sends a message to every live worker; throws PoolClosedError once the pool is closing. */
  post(type: string, content?: unknown): void {
    if (typeof type !== 'string') throw new InvalidOptionError('type', type, 'a string naming the message');
    // like every other call: a message nobody can receive is an error, not silently dropped
    if (this.#engine.closed) throw new PoolClosedError();
    // Workers still being made get the message once they exist (attach); check it can be sent now.
    const later = this.#engine.slots.filter((handle) => handle.live && !handle.worker);
    if (later.length > 0) {
      try {
        structuredClone(content);
      } catch (error) {
        throw new SerializationError(`Message "${type}" could not be sent: ${(error as Error).message}`, { cause: error });
      }
    }
    for (const handle of later) this.#unsent.set(handle, [...(this.#unsent.get(handle) ?? []), [type, content]]);
    for (const worker of this.#engine.workers) {
      try {
        worker.post(type, content);
      } catch (error) {
        if (worker.active) throw new SerializationError(`Message "${type}" could not be sent: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /** Adds an onMessage listener; returns the function that removes it. */
  onMessage(type: string, listener: PoolMessageListener): () => void {
    if (typeof type !== 'string') throw new InvalidOptionError('type', type, 'a string naming the message');
    if (typeof listener !== 'function') throw new InvalidOptionError('listener', listener, 'a function');
    return this.#listeners.add(type, listener);
  }

  /** A new worker: sends what was posted before it existed, and forwards its messages and events. */
  attach(worker: ModuleWorker, handle: WorkerHandle<Call, unknown>): void {
    const engine = this.#engine;
    for (const [type, content] of this.#unsent.get(handle) ?? []) worker.post(type, content);
    this.#unsent.delete(handle);
    worker.on('message', (type: string, content: unknown) => {
      engine.emit('message', worker, type, content);
      this.#listeners.deliver(type, content, worker.id, (error) => this.#listenerFailed(worker, type, error));
    });
    for (const event of ['disconnect', 'close'] as const) worker.on(event, (...args: unknown[]) => engine.emit(event, worker, ...args));
    worker.on('error', (error: unknown) => engine.report(worker, error));
  }

  /** An onMessage listener threw: the pool's 'error' event, else a warning (never an uncaught exception). */
  #listenerFailed(worker: ModuleWorker, type: string, error: unknown): void {
    if (this.#engine.listenerCount('error') > 0) this.#engine.emit('error', worker, error);
    else
      process.emitWarning(
        `A pool.onMessage(${JSON.stringify(type)}) listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        'WorkforceWarning',
      );
  }
}
