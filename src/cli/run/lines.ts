/** Splits a byte stream into numbered text lines, reading the next chunk only when the last one is used up. */
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based, as editors count. */
  number: number;
  text: string;
}

const NEWLINE = 0x0a;

/**
 * The lines of `stream` (LF or CRLF; a last line without a newline counts; a leading UTF-8 BOM is
 * dropped). Pull-based: a chunk
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
  let pieces: Buffer[] = []; // the start of a line that chunk boundaries cut: joined once, when its newline comes
  const line = (buffer: Buffer, start: number, end: number): Line => {
    const s = text(buffer, start, end);
    // a UTF-8 byte order mark (from some Windows editors) starts the input, not its first value
    return ++number === 1 && s.charCodeAt(0) === 0xfeff ? { number, text: s.slice(1) } : { number, text: s };
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const lines: Line[] = [];
    let start = 0;
    let at = buffer.indexOf(NEWLINE);
    if (pieces.length > 0 && at >= 0) {
      pieces.push(buffer.subarray(0, at));
      const whole = Buffer.concat(pieces);
      pieces = [];
      lines.push(line(whole, 0, whole.length));
      start = at + 1;
      at = buffer.indexOf(NEWLINE, start);
    }
    for (; at >= 0; at = buffer.indexOf(NEWLINE, start)) {
      lines.push(line(buffer, start, at));
      start = at + 1;
    }
    if (start < buffer.length) pieces.push(buffer.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (pieces.length > 0) {
    const whole = Buffer.concat(pieces);
    yield [line(whole, 0, whole.length)];
  }
}

function text(buffer: Buffer, start: number, end: number): string {
  if (end > start && buffer[end - 1] === 0x0d) end--; // CRLF
  return buffer.toString('utf8', start, end);
}

/** True for a line with nothing but whitespace: skipped, not a task. */
export function isBlank(text: string): boolean {
  return text.trim() === '';
}
