/**
 * The nested tasks one worker queued that have not settled, each with the AbortSignal the pool
 * runs it under: aborted when the worker gives up on it (its signal fired, or the task that
 * queued it was aborted or timed out) or when the worker is gone.
 */
export class NestedTasks {
  readonly #pending = new Map<number, AbortController>();
  #gone = false;
  #goneReason: unknown;

  /** The signal of nested task `id`; already aborted when the worker is gone. */
  open(id: number): AbortSignal {
    const controller = new AbortController();
    if (this.#gone) controller.abort(this.#goneReason);
    else this.#pending.set(id, controller);
    return controller.signal;
  }

  /** Nested task `id` settled. */
  settled(id: number): void {
    this.#pending.delete(id);
  }

  /** The worker gave up on nested task `id`. */
  cancel(id: number, reason: unknown): void {
    const controller = this.#pending.get(id);
    if (!controller) return;
    this.#pending.delete(id);
    controller.abort(reason);
  }

  /** The worker is gone: every nested task it queued (and any it still sends) is aborted. */
  workerGone(reason: unknown): void {
    this.#gone = true;
    this.#goneReason = reason;
    const controllers = [...this.#pending.values()];
    this.#pending.clear();
    for (const controller of controllers) controller.abort(reason);
  }
}
