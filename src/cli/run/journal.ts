/**
 * The --resume journal, next to the output: which input lines are in the output, and how many
 * output bytes hold them. Written only after those bytes are in the output file (and synced), so
 * after a crash, kill -9 or Ctrl-C the output may run past the journal but never falls short;
 * resuming cuts the output back to the last recorded length and redoes the lines after it.
 *
 * Format: a header line (JSON: what was run on which input), then one line per flush,
 * `<output bytes> <line> <line> …`. A last line without its newline was cut by a crash: ignored.
 */

import type { FileHandle } from 'node:fs/promises';
import { open, readFile, stat, truncate } from 'node:fs/promises';
import { JournalMismatchError } from '../../errors/journal-mismatch-error.js';
import { LineSet } from './line-set.js';

/** What a journal was written for: a resume must match it. */
export interface JournalHeader {
  format: 'workforce-run-journal';
  version: 1;
  /** The input file when the journal was started (for messages: the digest decides). */
  input: string;
  inputBytes: number;
  inputSha256: string;
  /** The options that shape the output lines. */
  module: string;
  method: string | null;
  withInput: boolean;
  spread: boolean;
}

export interface Resumed {
  journal: Journal;
  /** Input lines already in the output. */
  done: LineSet;
  /** Output bytes that hold them: the output is cut back to this length. */
  outputBytes: number;
}

export class Journal {
  private constructor(
    readonly path: string,
    readonly handle: FileHandle,
  ) {}

  /**
   * Opens the journal at `path` for `header`'s run: a new one when there is none, else the lines
   * it records, after checking it belongs to the same input and command (JournalMismatchError).
   */
  static async open(path: string, header: JournalHeader, outputPath: string): Promise<Resumed> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // none yet, or one whose header a crash cut short (nothing can have been recorded after it)
    if (text === undefined || !text.includes('\n')) {
      const handle = await open(path, 'w');
      await handle.write(`${JSON.stringify(header)}\n`);
      await handle.datasync();
      return { journal: new Journal(path, handle), done: new LineSet(), outputBytes: 0 };
    }
    const { done, outputBytes, validBytes } = replay(path, text, header);
    const outputSize = await stat(outputPath).then(
      (s) => s.size,
      () => 0,
    );
    if (outputSize < outputBytes)
      throw new JournalMismatchError(
        path,
        `the output ${outputPath} has ${outputSize} bytes but the journal records ${outputBytes}: it was changed or replaced since`,
      );
    await truncate(path, validBytes); // drop a last entry a crash cut short
    const handle = await open(path, 'a');
    return { journal: new Journal(path, handle), done, outputBytes };
  }

  /** Records that the output now has `outputBytes` bytes, holding `lines` too. */
  async record(outputBytes: number, lines: readonly number[]): Promise<void> {
    if (lines.length === 0) return;
    await this.handle.write(`${outputBytes} ${lines.join(' ')}\n`);
  }

  async close(): Promise<void> {
    await this.handle.datasync().catch(() => {});
    await this.handle.close();
  }
}

/** Reads a journal's text: its done lines, recorded output length, and how many of its bytes are whole entries. */
function replay(path: string, text: string, expected: JournalHeader): { done: LineSet; outputBytes: number; validBytes: number } {
  const headerEnd = text.indexOf('\n');
  let header: JournalHeader;
  try {
    header = JSON.parse(text.slice(0, headerEnd));
  } catch {
    throw new JournalMismatchError(path, 'it is not a workforce run journal (delete it to start over)');
  }
  if (header?.format !== 'workforce-run-journal' || header.version !== 1)
    throw new JournalMismatchError(path, 'it is not a workforce run journal (delete it to start over)');
  if (header.inputSha256 !== expected.inputSha256 || header.inputBytes !== expected.inputBytes)
    throw new JournalMismatchError(
      path,
      `it was written for another input (${header.input}, ${header.inputBytes} bytes), not ${expected.input} (${expected.inputBytes} bytes). Run without --resume to start over, or delete the journal`,
    );
  for (const key of ['module', 'method', 'withInput', 'spread'] as const)
    if (header[key] !== expected[key])
      throw new JournalMismatchError(
        path,
        `it was written by a run with another ${key} (${JSON.stringify(header[key])}, now ${JSON.stringify(expected[key])})`,
      );
  const done = new LineSet();
  let outputBytes = 0;
  const headerBytes = Buffer.byteLength(text.slice(0, headerEnd + 1));
  let validBytes = headerBytes;
  for (let start = headerEnd + 1, end = text.indexOf('\n', start); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
    const fields = text.slice(start, end).split(' ').map(Number);
    if (fields.length < 2 || fields.some((n) => !Number.isSafeInteger(n) || n < 0) || fields[0] < outputBytes)
      throw new JournalMismatchError(
        path,
        `entry ${JSON.stringify(text.slice(start, end).slice(0, 80))} is damaged (delete the journal and the output to start over)`,
      );
    outputBytes = fields[0];
    for (let i = 1; i < fields.length; i++) done.add(fields[i]);
    validBytes = headerBytes + end - headerEnd; // entries are ASCII: characters are bytes
  }
  return { done, outputBytes, validBytes };
}
