/** One pass over an input file before a run: how many lines it has to do (the bar's total) and, for --resume, its digest. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface InputScan {
  /** Lines with something other than whitespace on them: the tasks of a full run. */
  lines: number;
  /** sha256 of the whole file, hex (when asked for). */
  sha256?: string;
  bytes: number;
}

const NEWLINE = 0x0a;

/** Counts the non-blank lines of the file at `path` (and hashes it when `digest`). */
export async function scanInput(path: string, digest: boolean): Promise<InputScan> {
  const hash = digest ? createHash('sha256') : undefined;
  let lines = 0;
  let bytes = 0;
  let filled = false; // the current line has a non-whitespace byte
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash?.update(chunk);
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === NEWLINE) {
        if (filled) lines++;
        filled = false;
      } else if (!filled && byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) filled = true;
    }
  }
  if (filled) lines++;
  return { lines, bytes, sha256: hash?.digest('hex') };
}
