import { InOrderReplies } from './common.js';

/**
 * The tasks of one tick, dealt over the workers in equal shares (round-robin): on the first
 * call of a tick a microtask is queued that sends each worker its share as one message. Each
 * worker answers with one message, the results in order. No queue, no bookkeeping: the floor
 * of messaging cost.
 */
export class TickBatches {
  readonly replies: InOrderReplies[] = [];
  #batches: unknown[][] = [];
  #transfers: ArrayBuffer[][] = [];
  #next = 0;
  #queued = false;

  constructor(private readonly send: (worker: number, batch: unknown[], transfer: ArrayBuffer[]) => void) {}

  /** Adds a worker; `settleAll` is what its 'message' listener calls with the array of results. */
  addWorker(): (results: unknown[]) => void {
    const inOrder = new InOrderReplies();
    this.replies.push(inOrder);
    this.#batches.push([]);
    this.#transfers.push([]);
    return (results) => {
      for (const value of results) inOrder.settle(value);
    };
  }

  call(task: number, arg?: unknown, transfer?: ArrayBuffer[]): Promise<any> {
    const i = this.#next++ % this.replies.length;
    this.#batches[i].push([task, arg]);
    if (transfer) this.#transfers[i].push(...transfer);
    if (!this.#queued) {
      this.#queued = true;
      queueMicrotask(this.#flush);
    }
    return this.replies[i].expect();
  }

  readonly #flush = (): void => {
    this.#queued = false;
    for (let i = 0; i < this.#batches.length; i++) {
      const batch = this.#batches[i];
      if (batch.length === 0) continue;
      const transfer = this.#transfers[i];
      this.#batches[i] = [];
      this.#transfers[i] = [];
      this.send(i, batch, transfer);
    }
  };
}
