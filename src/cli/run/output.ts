/**
 * Where result lines go: batched writes to a file or stdout, in the order they are given. Under
 * --resume each batch is written and synced to the output before the journal records it (see
 * journal.ts), so the journal never claims a line the output does not hold.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Journal } from './journal.js';

/** Where the bytes go. */
export interface Target {
  write(text: string): Promise<void>;
  /** Makes what was written durable before the journal records it. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** A file opened by the run (truncated, or cut back to the journal's length under --resume). */
export function fileTarget(handle: FileHandle): Target {
  return {
    write: async (text) => {
      await handle.write(text);
    },
    sync: () => handle.datasync(),
    close: () => handle.close(),
  };
}

/**
 * stdout (or any stream): waits for 'drain' when it is full. An error between writes (EPIPE once
 * the reader went away: `workforce run … | head`) is kept for the next write, never left unhandled.
 */
export function streamTarget(stream: Writable): Target {
  let failure: Error | undefined;
  const waiting = new Set<(error: Error) => void>();
  stream.on('error', (error: Error) => {
    failure ??= error;
    for (const reject of waiting) reject(error);
    waiting.clear();
  });
  return {
    write: (text) =>
      failure
        ? Promise.reject(failure)
        : new Promise<void>((resolve, reject) => {
            waiting.add(reject);
            stream.write(text, (error) => {
              waiting.delete(reject);
              if (error) reject(error);
              else resolve();
            });
          }),
    sync: async () => {},
    close: async () => {},
  };
}

/** Bytes waiting to be written past which the reader pauses. */
const BACKLOG_LIMIT = 4 << 20;
/** A batch is written once it has this many bytes, or after FLUSH_MS. */
const BATCH_BYTES = 64 << 10;
const FLUSH_MS = 50;

export class OutputWriter {
  #texts: string[] = [];
  #lines: number[] = [];
  #pending = 0; // characters given and not yet written
  #batched = 0; // characters in #texts (not yet handed to a flush)
  #bytes: number; // bytes in the output file so far
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #error: Error | undefined;
  #roomWaiters: (() => void)[] = [];
  /** Called once when a write fails (the run stops; the error is kept in `error`). */
  onError: (error: Error) => void = () => {};

  constructor(
    private readonly target: Target,
    private readonly journal: Journal | undefined,
    startBytes = 0,
  ) {
    this.#bytes = startBytes;
  }

  get error(): Error | undefined {
    return this.#error;
  }

  /** Queues one output line (with its newline) holding input line `line`. */
  write(line: number, text: string): void {
    if (this.#error) return;
    this.#texts.push(text);
    this.#lines.push(line);
    this.#pending += text.length;
    this.#batched += text.length;
    if (this.#batched >= BATCH_BYTES) this.#flushSoon(0);
    else this.#flushSoon(FLUSH_MS);
  }

  /** The backlog is too large to read more input: wait for room(). */
  get full(): boolean {
    return this.#pending >= BACKLOG_LIMIT && !this.#error;
  }

  /** Resolves once the backlog is small enough to read more input (at once when it is). */
  room(): Promise<void> {
    if (this.#pending < BACKLOG_LIMIT || this.#error) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Writes everything queued so far. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#texts.length === 0) return this.#flushing;
    const text = this.#texts.join('');
    const lines = this.#lines;
    this.#texts = [];
    this.#lines = [];
    this.#batched = 0;
    this.#flushing = this.#flushing.then(async () => {
      if (this.#error) return;
      try {
        await this.target.write(text);
        this.#bytes += Buffer.byteLength(text);
        if (this.journal) {
          await this.target.sync();
          await this.journal.record(this.#bytes, lines);
        }
      } catch (error) {
        this.#error = error as Error;
        this.onError(this.#error);
      }
      this.#pending -= text.length;
      if (this.#pending < BACKLOG_LIMIT) for (const wake of this.#roomWaiters.splice(0)) wake();
    });
    return this.#flushing;
  }

  /** Flushes, then closes the target and the journal. */
  async close(): Promise<void> {
    await this.flush();
    await this.target.close();
    await this.journal?.close();
  }

  #flushSoon(ms: number): void {
    if (ms === 0) {
      void this.flush();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, ms);
  }
}
