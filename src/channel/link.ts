import type { Transferable } from './transferable.js';
/**
 * A link is the raw two-way pipe under a channel or a module worker: a worker_threads Worker,
 * a MessagePort, a child process, or (inside a child) the parent. Messages are structured-cloned
 * by the transport (a module worker's process IPC is opened with `serialization: 'advanced'`, or
 * with `fork.serialization: 'json'` a JSON channel that carries the same values, see json-frames.ts).
 */
export interface Link {
  readonly alive: boolean;
  /** Where the other side runs. */
  readonly kind?: 'thread' | 'process' | 'loopback';
  readonly pid?: number;
  readonly threadId?: number;
  /** Throws synchronously when the message cannot be cloned or the link is closed. */
  send(message: unknown, transfer?: readonly Transferable[]): void;
  onMessage(listener: (message: unknown) => void): void;
  /** A thread's side of its parent only: the next message, taken now instead of as a 'message' event (undefined: none waiting). */
  take?(): { message: unknown } | undefined;
  /** The other side is gone. `cause` is the uncaught error that ended a thread, when known. */
  onExit(listener: (exitCode: number | null, signal: string | null, cause?: unknown) => void): void;
  /** Optional lifecycle signals, for pool events. */
  onEvent?(listener: (event: 'online' | 'disconnect' | 'close' | 'error', ...args: unknown[]) => void): void;
  /** Ends the other side now (terminate / SIGKILL); a child link exits its own process or thread. */
  kill(): void;
}
