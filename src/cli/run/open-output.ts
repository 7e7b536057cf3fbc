/** Opens where a run's results go: stdout, a fresh file, or (--resume) a file cut back to what its journal records. */
import { open, rm } from 'node:fs/promises';
import { CommandError, ExitCode } from '../exit-codes.js';
import { Journal, type JournalHeader } from './journal.js';
import type { LineSet } from './line-set.js';
import { fileTarget, OutputWriter, streamTarget } from './output.js';

/** The journal of an output file under --resume. */
export const journalPath = (output: string) => `${output}.workforce-journal`;

export interface OpenedOutput {
  writer: OutputWriter;
  /** --resume: the input lines already in the output. */
  done?: LineSet;
}

/**
 * `outputPath` undefined: stdout. With `resume` (the header the journal must match) the output
 * keeps the bytes its journal records and loses the rest (a half-written line, lines written but
 * not yet recorded), which the run then redoes; a journal for another input or command is a usage
 * error. Without it the output starts empty and an old journal is deleted, since it would not
 * describe the new output.
 */
export async function openOutput(outputPath: string | undefined, stdout: NodeJS.WritableStream, resume: JournalHeader | undefined): Promise<OpenedOutput> {
  if (!outputPath) return { writer: new OutputWriter(streamTarget(stdout as NodeJS.WriteStream), undefined) };
  let journal: Journal | undefined;
  let done: LineSet | undefined;
  let startBytes = 0;
  if (resume) {
    const resumed = await Journal.open(journalPath(outputPath), resume, outputPath).catch((error) => {
      throw new CommandError(`workforce run: ${(error as Error).message}`, ExitCode.USAGE);
    });
    ({ journal, done, outputBytes: startBytes } = resumed);
  } else await rm(journalPath(outputPath), { force: true });
  const handle = await open(outputPath, resume ? 'a+' : 'w').catch(async (error) => {
    await journal?.close();
    throw new CommandError(`workforce run: cannot write ${outputPath}: ${(error as Error).message}`, ExitCode.USAGE);
  });
  if (resume) await handle.truncate(startBytes);
  return { writer: new OutputWriter(fileTarget(handle), journal, startBytes), done };
}
