/**
 * `workforce worker`: serve a BullMQ queue from this machine with a local pool (the consumer
 * logic is runQueueWorker in remote/; this file only reads the command line).
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import type { Runtime } from '../pool/module-pool.js';
import { MAX_WORKERS } from '../pool/options.js';
import type { QueueWorkerIo } from '../remote/queue-worker.js';
import { MAX_DELAY } from '../util/validate.js';
import { ExitCode } from './exit-codes.js';
import { integer } from './flags.js';

/** The `worker` command (commander), for mounting under `workforce`: its action resolves `done` with the exit code. */
export function workerProgram(io: QueueWorkerIo, done: (code: number) => void): Command {
  return new Command('worker')
    .description('Serve a BullMQ queue on this machine: run its jobs on a local workforce pool')
    .requiredOption('--queue <name>', 'queue to serve')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379', process.env.REDIS_URL)
    .requiredOption('--module <file>', 'worker module')
    .option('--method <name>', 'export called for jobs that name none (default: the default export)')
    .addOption(new Option('--runtime <runtime>', 'thread or process').choices(['thread', 'process']).default('thread'))
    .option('--workers <n>', 'workers in the local pool (default: CPU count)', integer('--workers', 1, MAX_WORKERS))
    .option('--concurrency <n>', 'calls one worker runs at once', integer('--concurrency', 1))
    .option('--timeout <ms>', 'ms a call may run on this machine before TimeoutError', integer('--timeout', 1, MAX_DELAY))
    .option('--max-retries <n>', 'extra attempts after a crash or timeout', integer('--max-retries', 0))
    .option(
      '--serializer <spec>',
      "serializer between this process and its workers: 'cbor' (default: Buffer, Map, Date survive), 'json', 'structured' or the absolute path of a Serializer module (then also the one of producers using it)",
      'cbor',
    )
    .option('--drain-timeout <ms>', 'ms running jobs get after SIGTERM/SIGINT before they are handed back', integer('--drain-timeout', 0, MAX_DELAY), 30_000)
    .option('--lock-duration <ms>', 'ms a job lock lasts (renewed while it runs)', integer('--lock-duration', 100, MAX_DELAY))
    .option('--stalled-interval <ms>', 'ms between checks for jobs whose consumer was lost', integer('--stalled-interval', 100, MAX_DELAY))
    .option('--max-stalled-count <n>', 'times a job may lose its consumer before it fails', integer('--max-stalled-count', 0))
    .option('--prefix <prefix>', 'BullMQ key prefix')
    .action(async (flags) => {
      // loaded only now: it needs bullmq and ioredis (optional peer dependencies), --help does not
      const runQueueWorker = await import('../remote/queue-worker.js').then(
        (m) => m.runQueueWorker,
        (error: Error & { code?: string }) => {
          if (error.code !== 'ERR_MODULE_NOT_FOUND' || !/'(bullmq|ioredis)'/.test(error.message)) throw error;
          io.stderr.write('workforce worker needs the optional packages bullmq and ioredis: npm install bullmq ioredis\n');
          return undefined;
        },
      );
      if (!runQueueWorker) return done(ExitCode.USAGE);
      done(
        await runQueueWorker(
          {
            queue: flags.queue,
            connection: flags.redis,
            method: flags.method,
            serializer: flags.serializer === 'cbor' || flags.serializer === 'json' || flags.serializer === 'structured' ? undefined : flags.serializer,
            lockDuration: flags.lockDuration,
            stalledInterval: flags.stalledInterval,
            maxStalledCount: flags.maxStalledCount,
            prefix: flags.prefix,
            drainTimeout: flags.drainTimeout,
            pool: {
              module: flags.module,
              runtime: flags.runtime as Runtime,
              numberOfWorkers: flags.workers ?? availableParallelism(), // the CPU count, started at once (the documented default)
              concurrency: flags.concurrency,
              timeout: flags.timeout,
              maxRetries: flags.maxRetries,
              serializer: flags.serializer,
            },
          },
          io,
        ),
      );
    });
}

/**
 * Runs `workforce worker` with `argv` (the flags only, without node and the script) and resolves
 * to its exit code: 0 after a clean drain, 1 when Redis did not answer while stopping (its
 * connections were closed by force), 2 on bad usage, 3 when the module cannot load.
 */
export async function workerCommand(argv: string[], io: QueueWorkerIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code = 0;
  const program = workerProgram(io, (c) => (code = c))
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : ExitCode.USAGE;
    if (error instanceof InvalidOptionError) {
      io.stderr.write(`workforce worker: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    throw error;
  }
  return code;
}
