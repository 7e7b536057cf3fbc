/** Splits a byte stream into numbered text lines, reading the next chunk only when the last one is used up. */
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based, as editors count. */
  number: number;
  text: string;
}

const NEWLINE = 0x0a;

/**
 * The lines of `stream` (LF or CRLF; a last line without a newline counts). Pull-based: a chunk
 * is read from the stream only when the caller asks for a line past the ones already split, so
 * memory stays at one chunk (plus one over-long line).
 */
export async function* readLines(stream: Readable): AsyncGenerator<Line> {
  for await (const lines of readLineChunks(stream)) yield* lines;
}

/**
 * The lines of `stream` a chunk at a time (the lines each chunk completes; none for a chunk in the
 * middle of a long line): what readLines gives, without an async step per line.
 */
export async function* readLineChunks(stream: Readable): AsyncGenerator<Line[]> {
  let number = 0;
  let rest: Buffer | undefined; // the start of a line that a chunk boundary cut
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    let at = buffer.indexOf(NEWLINE);
    if (rest && at >= 0) {
      buffer = Buffer.concat([rest, buffer]);
      at += rest.length;
      rest = undefined;
    }
    const lines: Line[] = [];
    for (; at >= 0; at = buffer.indexOf(NEWLINE, start)) {
      lines.push({ number: ++number, text: text(buffer, start, at) });
      start = at + 1;
    }
    if (start < buffer.length) rest = rest ? Buffer.concat([rest, buffer]) : buffer.subarray(start);
    if (lines.length > 0) yield lines;
  }
  if (rest && rest.length > 0) yield [{ number: ++number, text: text(rest, 0, rest.length) }];
}

function text(buffer: Buffer, start: number, end: number): string {
  if (end > start && buffer[end - 1] === 0x0d) end--; // CRLF
  return buffer.toString('utf8', start, end);
}

/** True for a line with nothing but whitespace: skipped, not a task. */
export function isBlank(text: string): boolean {
  return text.trim() === '';
}
