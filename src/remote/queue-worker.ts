/**
 * A consumer as a long-running command (`workforce worker`): serve a queue until SIGTERM/SIGINT,
 * drain, and say how it ended as an exit code.
 */
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { ModuleLoadError } from '../errors/module-load-error.js';
import { QueueServer, type ServeQueueOptions } from './serve-queue.js';

/** Exit codes: a clean drain, a module that cannot load. bad options (2). */
export const EXIT_OK = 0;
export const EXIT_MODULE = 3;
export const EXIT_USAGE = 2;
/**
 * A stop that was not a clean drain: Redis did not answer, so its connections were closed by
 * force; the results or hand-backs of the jobs it held may not be recorded (they run again
 * elsewhere once their locks expire). Also any other unexpected failure.
 */
export const EXIT_FAILURE = 1;

/** Options of the `workforce worker` consumer: serveQueue's, plus how long a signal lets running jobs finish. */
export interface QueueWorkerOptions extends ServeQueueOptions {
  /** ms running jobs get to finish after SIGTERM/SIGINT before they are handed back. Default 30000. */
  drainTimeout?: number;
}

/** Where the `workforce worker` consumer writes and which signals it listens to (this process by default). */
export interface QueueWorkerIo {
  /** Receives the `ready ...` line. */
  stdout: {
    /** Writes one chunk of text. */
    write(text: string): unknown;
  };
  /** Receives the consumer's notices and errors. */
  stderr: {
    /** Writes one chunk of text. */
    write(text: string): unknown;
  };
  /** Where SIGTERM/SIGINT come from. Default: this process. */
  signals?: NodeJS.EventEmitter;
}

/**
 * Serves the queue: prints one `ready` line once the pool is warm, drains on SIGTERM or SIGINT
 * (a second signal hands running jobs back at once) and resolves to the exit code: 0 after a
 * clean drain, 3 when the module cannot load (its jobs are handed back, none failed), 1 when
 * Redis did not answer while stopping (the drain is bounded by `drainTimeout`, then the
 * connections are closed by force: the process still ends).
 */
export async function runQueueWorker(options: QueueWorkerOptions, io: QueueWorkerIo): Promise<number> {
  const { drainTimeout = 30_000, ...serve } = options;
  const signals = io.signals ?? process;
  let server: QueueServer;
  try {
    server = new QueueServer(serve);
  } catch (error) {
    io.stderr.write(`workforce worker: ${(error as Error)?.message ?? String(error)}\n`);
    return exitCodeOf(error);
  }
  const started = await startOrStop(server, signals, io);
  if (started !== 'started') return started;
  let stop!: (why: 'signal' | ModuleLoadError) => void;
  const stopped = new Promise<'signal' | ModuleLoadError>((resolve) => (stop = resolve));
  let signalled = 0;
  const onSignal = (name: string) => {
    signalled++;
    io.stderr.write(`workforce worker: ${name}, ${signalled > 1 ? 'handing running jobs back' : 'draining'}\n`);
    if (signalled > 1) void server.close({ drainTimeout: 0 });
    stop('signal');
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
  void server.broken.then(stop);
  try {
    const broken = await Promise.race([server.broken, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
    if (!broken) io.stdout.write(`ready queue=${server.queueName} concurrency=${server.concurrency} pid=${process.pid}\n`);
    const why = await stopped;
    if (why instanceof ModuleLoadError) {
      io.stderr.write(`workforce worker: the module cannot load, jobs handed back: ${why.message}\n`);
      await server.close({ drainTimeout: 0 });
      return EXIT_MODULE;
    }
    const { forced } = await server.close({ drainTimeout: signalled > 1 ? 0 : drainTimeout });
    if (!forced) return EXIT_OK;
    io.stderr.write(
      'workforce worker: Redis did not answer, connections closed by force; jobs that ran here may not be recorded (they return to the queue when their locks expire)\n',
    );
    return EXIT_FAILURE;
  } finally {
    signals.off('SIGTERM', onSignal);
    signals.off('SIGINT', onSignal);
  }
}

/** How long a consumer waits for Redis at start before it says so (it keeps waiting). */
export const SLOW_START_NOTICE_MS = 5000;

/**
 * Starts `server` (its pool warm, its connections ready). Redis that does not answer keeps it
 * waiting (ioredis retries), with a notice after SLOW_START_NOTICE_MS; a SIGTERM/SIGINT meanwhile
 * stops it: exit 0 (it took no job), or 1 if its connections had to be closed by force.
 */
async function startOrStop(server: QueueServer, signals: NodeJS.EventEmitter, io: QueueWorkerIo): Promise<'started' | number> {
  let onSignal!: (name: string) => void;
  const signalled = new Promise<string>((resolve) => (onSignal = resolve));
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
  const notice = setTimeout(
    () => io.stderr.write(`workforce worker: still starting after ${SLOW_START_NOTICE_MS / 1000} s: is Redis reachable at ${server.redisAddress}?\n`),
    SLOW_START_NOTICE_MS,
  );
  notice.unref();
  const start = server.start().then(
    () => 'started' as const,
    (error: unknown) => error,
  );
  try {
    const first = await Promise.race([start, signalled]);
    if (first === 'started') return 'started';
    if (typeof first === 'string') {
      io.stderr.write(`workforce worker: ${first} while starting, stopping\n`);
      const { forced } = await server.close({ drainTimeout: 0 });
      return forced ? EXIT_FAILURE : EXIT_OK;
    }
    io.stderr.write(`workforce worker: ${(first as Error)?.message ?? String(first)}\n`);
    await server.close({ drainTimeout: 0 }).catch(() => {});
    return exitCodeOf(first);
  } finally {
    clearTimeout(notice);
    signals.off('SIGTERM', onSignal);
    signals.off('SIGINT', onSignal);
  }
}

/** The exit code of a consumer that could not start with `error`. */
function exitCodeOf(error: unknown): number {
  if (error instanceof ModuleLoadError) return EXIT_MODULE;
  return error instanceof InvalidOptionError ? EXIT_USAGE : EXIT_FAILURE;
}
