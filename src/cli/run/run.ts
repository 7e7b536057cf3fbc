/**
 * `workforce run`: maps a worker module over the JSON Lines of a file or stdin through one module
 * pool, reading only as fast as the workers take lines (ModulePool.process), and writes the
 * results as JSON Lines; see the README's "Command line" section for what each flag does.
 */
import { once } from 'node:events';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BadInputLineError } from '../../errors/bad-input-line-error.js';
import { InvalidOptionError } from '../../errors/invalid-option-error.js';
import { MethodNotFoundError } from '../../errors/method-not-found-error.js';
import { ModuleLoadError } from '../../errors/module-load-error.js';
import { createPool, type ModulePool } from '../../pool/module-pool.js';
import { CommandError, ExitCode } from '../exit-codes.js';
import { fileAt, sameFile, stdinFile } from './file-id.js';
import { type InputScan, scanInput } from './input-scan.js';
import type { JournalHeader } from './journal.js';
import { isBlank, type Line, readLineChunks } from './lines.js';
import { openOutput } from './open-output.js';
import { Progress } from './progress.js';
import { errorRecord, resultRecord } from './records.js';
import { Reorder } from './reorder.js';
import { checkSerializer, serializerFailure, serializerProblem, serializerSpec } from './serializer-flag.js';

export interface RunOptions {
  module: string;
  method?: string;
  /** A file, or '-' for stdin. */
  input: string;
  /** A file, or '-' for stdout. */
  output: string;
  runtime: 'thread' | 'process';
  workers?: number;
  concurrency: number;
  timeout?: number;
  maxRetries?: number;
  serializer?: string;
  ordered: boolean;
  spread: boolean;
  withInput: boolean;
  /** A file for the error lines (default: stderr). */
  errors?: string;
  failFast: boolean;
  resume: boolean;
  quiet: boolean;
}

/** The process's streams and signals, so the run can be driven by a test or another command. */
export interface RunIO {
  stdin: Readable;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Registers the handler of Ctrl-C (SIGINT) and SIGTERM; returns its removal. */
  onInterrupt(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
}

export const processIO: RunIO = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt: (listener) => {
    process.on('SIGINT', listener);
    process.on('SIGTERM', listener);
    return () => {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    };
  },
};

/** A task read from the input: its line, its JSON value, and (--ordered) its place in the output order. */
interface Task {
  line: number;
  input: unknown;
  seq: number;
}

/** Runs the command; resolves with its exit code (usage problems reject with a CommandError). */
export async function run(options: RunOptions, io: RunIO = processIO): Promise<number> {
  const cwd = process.cwd();
  const modulePath = isAbsolute(options.module) ? options.module : resolve(cwd, options.module);
  if (!existsSync(modulePath)) throw new CommandError(`workforce run: cannot load module ${modulePath}: no such file`, ExitCode.MODULE);
  const inputPath = options.input === '-' ? undefined : resolve(cwd, options.input);
  const outputPath = options.output === '-' ? undefined : resolve(cwd, options.output);
  if (inputPath) checkInputFile(inputPath);
  if (options.resume && !outputPath) throw new CommandError('workforce run: --resume needs --output FILE (the journal is kept next to it)', ExitCode.USAGE);
  if (options.resume && !inputPath)
    throw new CommandError('workforce run: --resume needs --input FILE (a journal is checked against the file it was made for)', ExitCode.USAGE);
  const errorsPath = options.errors === undefined ? undefined : resolve(cwd, options.errors);
  // before anything is opened for writing: a file named twice (through a link too) would be truncated under its reader
  const inputFile = inputPath ? fileAt(inputPath) : stdinFile(io.stdin);
  const outputFile = outputPath && fileAt(outputPath);
  const errorsFile = errorsPath && fileAt(errorsPath);
  if (outputFile && sameFile(inputFile, outputFile)) throw new CommandError('workforce run: --output is the --input file', ExitCode.USAGE);
  if (errorsFile && sameFile(inputFile, errorsFile)) throw new CommandError('workforce run: --errors is the --input file', ExitCode.USAGE);
  if (errorsFile && outputFile && sameFile(outputFile, errorsFile)) throw new CommandError('workforce run: --errors is the --output file', ExitCode.USAGE);
  const serializer = serializerSpec(options.serializer, cwd);
  await checkSerializer(options.serializer, serializer);

  const progress = new Progress(io.stderr, io.stderr.isTTY === true && !options.quiet, options.quiet);
  const scan = inputPath && (options.resume || (io.stderr.isTTY && !options.quiet)) ? await scanInput(inputPath, options.resume) : undefined;

  // Where results go: under --resume the output is cut back to what the journal records.
  const { writer, done } = await openOutput(
    outputPath,
    io.stdout,
    options.resume && inputPath && scan?.sha256 ? journalHeader(options, modulePath, inputPath, scan) : undefined,
  );

  const errorsOut = errorsPath
    ? (
        await open(errorsPath, 'w').catch(async (error) => {
          await writer.close();
          throw new CommandError(`workforce run: cannot write ${errorsPath}: ${(error as Error).message}`, ExitCode.USAGE);
        })
      ).createWriteStream() // a stream: error lines stay whole and in order
    : undefined;
  let errorsFailure: Error | undefined; // the --errors file cannot be written (ENOSPC, EPIPE): the run stops, exit 1
  const reportError = (line: number, input: unknown, error: unknown) => {
    const text = errorRecord(line, input, error);
    if (errorsOut) {
      if (!errorsFailure) errorsOut.write(text);
    } else progress.log(text);
  };

  let pool: ModulePool;
  try {
    pool = createPool({
      module: modulePath,
      runtime: options.runtime,
      numberOfWorkers: options.workers ?? availableParallelism(), // a fixed-size pool, as --workers says
      concurrency: options.concurrency,
      timeout: options.timeout,
      maxRetries: options.maxRetries,
      serializer,
    });
  } catch (error) {
    await writer.close();
    await endStream(errorsOut);
    if (error instanceof ModuleLoadError) throw new CommandError(`workforce run: cannot load module ${modulePath}: ${loadProblem(error)}`, ExitCode.MODULE);
    if (error instanceof InvalidOptionError) throw new CommandError(`workforce run: ${error.message}`, ExitCode.USAGE);
    throw error;
  }

  // --ordered: results wait in a bounded buffer for the ones before them (it holds more than can run at once)
  const emit = ({ line, text }: { line: number; text: string }) => writer.write(line, text);
  const reorder = options.ordered ? new Reorder<{ line: number; text: string }>(Math.max(1024, 4 * runningAtOnce(options)), emit) : undefined;

  // Why reading stopped early, if it did.
  let interrupted = false;
  let fatal: Error | undefined; // the module cannot serve the calls: exit 3
  let stopping = false;
  const input = inputPath ? createReadStream(inputPath, { highWaterMark: 64 << 10 }) : io.stdin;
  // The workers' start: one online shows the module loads; a pool that gave up starting them (a
  // module that throws on import) ends the run at once, whatever the input (empty, or slow to come).
  let started!: () => void;
  const startup = new Promise<void>((resolve) => (started = resolve));
  const stop = () => {
    started();
    if (stopping) return;
    stopping = true;
    reorder?.wake();
    input.destroy(); // ends a read that waits for input (stdin left open)
  };
  pool.once('online', () => started());
  pool.on('error', (worker: { id: number | string } | undefined, error: unknown) =>
    setImmediate(() => {
      if (pool.failure) {
        fatal ??= pool.failure;
        return stop();
      }
      // any other error of a worker (uncaught outside a task, a bad frame): said, never silent
      progress.log(`workforce run: worker ${worker?.id ?? '?'}: ${error instanceof Error ? error.message : String(error)}\n`);
    }),
  );
  writer.onError = stop;
  errorsOut?.on('error', (error: Error) => {
    errorsFailure ??= error;
    stop();
  });
  let interrupts = 0;
  let interruptCode: number = ExitCode.INTERRUPTED; // 130 after Ctrl-C, 143 after SIGTERM (the first signal's)
  const removeInterrupt = io.onInterrupt((signal) => {
    interrupts++;
    interrupted = true;
    if (interrupts === 1) {
      if (signal === 'SIGTERM') interruptCode = ExitCode.TERMINATED;
      const again = signal === 'SIGTERM' ? 'another SIGTERM or Ctrl-C' : 'Ctrl-C again';
      if (!options.quiet) progress.log(`workforce run: stopping — finishing running tasks (${again} to kill them now)\n`);
      stop();
    } else {
      // kill now: what is not in the output is not in the journal either, so --resume redoes it
      void pool.kill().finally(() => process.exit(interruptCode));
    }
  });

  const failed = (line: number, input: unknown, error: unknown) => {
    progress.failed();
    reportError(line, input, error);
    if (options.failFast) stop();
  };

  async function* tasks(): AsyncGenerator<Task> {
    const chunks = readLineChunks(input); // the lines of a chunk at a time: no async step per line
    try {
      while (!stopping) {
        let next: IteratorResult<Line[]>;
        try {
          next = await chunks.next();
        } catch (error) {
          if (stopping) break; // stop() destroyed the stream under the read
          throw error;
        }
        if (next.done) break;
        for (const { number, text } of next.value) {
          if (stopping) return;
          if (isBlank(text)) continue;
          if (done?.has(number)) {
            progress.skip();
            continue;
          }
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (error) {
            failed(number, text, new BadInputLineError(number, `not JSON (${(error as Error).message})`));
            continue;
          }
          if (options.spread && !Array.isArray(value)) {
            failed(number, value, new BadInputLineError(number, '--spread needs a JSON array (the argument list) on every line'));
            continue;
          }
          if (writer.full) await writer.room();
          // many failing lines: the error file keeps up (a write error ends the wait and stops the run)
          if (errorsOut?.writableNeedDrain && !errorsFailure) await once(errorsOut, 'drain').catch(() => {});
          const seq = reorder ? await reorder.room(() => stopping) : 0;
          if (seq === undefined || stopping) return;
          yield { line: number, input: value, seq };
        }
      }
    } finally {
      input.destroy();
    }
  }

  progress.start(scan?.lines);
  const settle = (task: Task, text: string | undefined) => {
    if (reorder) reorder.settle(task.seq, text === undefined ? undefined : { line: task.line, text });
    else if (text !== undefined) writer.write(task.line, text);
  };
  let sourceError: unknown;
  try {
    await pool.process(tasks, {
      method: options.method,
      args: (task) => (options.spread ? (task.input as unknown[]) : [task.input]),
      onResult: (result) => {
        const task = result.input;
        if (result.ok) {
          let text: string;
          try {
            text = resultRecord(task.line, task.input, result.value, options.withInput);
          } catch (error) {
            settle(task, undefined);
            failed(task.line, task.input, error);
            return;
          }
          settle(task, text);
          progress.succeeded();
        } else {
          settle(task, undefined);
          if (cannotServe(result.error)) {
            fatal ??= result.error as Error;
            stop();
            return;
          }
          failed(task.line, task.input, result.error);
        }
      },
    });
    await startup; // no line ran (an empty input): the module must still load
  } catch (error) {
    sourceError = error;
  } finally {
    removeInterrupt();
    await writer.close().catch(() => {});
    await endStream(errorsOut);
    await pool.close();
  }
  let code: number = interrupted ? interruptCode : progress.tally.failed > 0 ? ExitCode.FAILED : ExitCode.OK;
  const badSerializer = fatal && serializerFailure(fatal);
  if (badSerializer) {
    // it loads here but not in the workers: bad usage all the same
    progress.log(`workforce run: --serializer ${options.serializer}: ${serializerProblem(serializer ?? 'structured', badSerializer.cause)}\n`);
    code = ExitCode.USAGE;
  } else if (fatal) {
    progress.log(`workforce run: ${fatal instanceof MethodNotFoundError ? fatal.message : `cannot load module ${modulePath}: ${loadProblem(fatal)}`}\n`);
    code = ExitCode.MODULE;
  } else if (writer.error) {
    progress.log(`workforce run: cannot write the output: ${writer.error.message}\n`);
    code = ExitCode.FAILED;
  }
  if (errorsFailure && !fatal) {
    progress.log(`workforce run: cannot write the errors file: ${errorsFailure.message}\n`);
    code = ExitCode.FAILED;
  }
  progress.finish(interrupted);
  if (sourceError) throw new CommandError(`workforce run: cannot read the input: ${(sourceError as Error).message}`, ExitCode.USAGE);
  return code;
}

/** What a --resume journal must match: the input's identity and the flags that shape the output lines. */
function journalHeader(options: RunOptions, modulePath: string, inputPath: string, scan: InputScan): JournalHeader {
  return {
    format: 'workforce-run-journal',
    version: 1,
    input: inputPath,
    inputBytes: scan.bytes,
    inputSha256: scan.sha256 as string,
    module: modulePath,
    method: options.method ?? null,
    withInput: options.withInput,
    spread: options.spread,
  };
}

/** Ends a write stream and waits until its file is closed. */
async function endStream(stream: Writable | undefined): Promise<void> {
  if (!stream) return;
  stream.end();
  await finished(stream).catch(() => {});
}

/** The module cannot answer any call (it does not load, or has no such --method): the run stops with exit 3. */
function cannotServe(error: unknown): boolean {
  return error instanceof ModuleLoadError || error instanceof MethodNotFoundError;
}

/**
 * Why the module cannot load, once: for a module that does not load, what its import threw (the
 * pool's message, "Cannot load worker module X: …", would repeat the command's own words).
 */
function loadProblem(error: Error): string {
  return error instanceof ModuleLoadError && error.phase === 'module' && error.cause !== undefined ? String(error.cause) : error.message;
}

function checkInputFile(path: string): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new CommandError(
      `workforce run: cannot read the input ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      ExitCode.USAGE,
    );
  }
  if (stats.isDirectory()) throw new CommandError(`workforce run: the input ${path} is a directory`, ExitCode.USAGE);
}

/** How many tasks the pool runs at once (the reorder buffer must hold more). */
function runningAtOnce(options: RunOptions): number {
  return (options.workers ?? availableParallelism()) * options.concurrency;
}
