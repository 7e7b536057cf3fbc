// The line reader of `workforce run` (readLineChunks) on inputs whose chunks cut lines anywhere: a
// line spread over many chunks, newlines at chunk edges, a CRLF whose CR ends one chunk and LF
// starts the next, a character cut between its bytes. Each input is read whole, then cut at every
// place a chunk boundary can fall (and into many small chunks): the lines must always be the same.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readLineChunks } from '../../dist/cli/run/lines.js';

/** The lines readLineChunks gives for `chunks`, each chunk's lines kept apart. */
async function read(chunks: Buffer[]): Promise<{ number: number; text: string }[][]> {
  const out: { number: number; text: string }[][] = [];
  for await (const lines of readLineChunks(Readable.from(chunks, { objectMode: true }))) out.push(lines);
  return out;
}

/** `bytes` cut into chunks of `size`. */
function cut(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/** The lines of `text` as readLineChunks numbers them (LF or CRLF; a last line without newline counts). */
function expected(text: string): { number: number; text: string }[] {
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  return parts.map((line, i) => ({ number: i + 1, text: line.endsWith('\r') ? line.slice(0, -1) : line }));
}

const long = JSON.stringify({ data: 'é€x'.repeat(30_000) }); // ~180 KB, multi-byte characters
const inputs: Record<string, string> = {
  'short lines, LF': '1\n22\n333\n',
  'CRLF lines, no newline at the end': '[1,2]\r\n\r\n[3,4]\r\n"last"',
  'a long line between short ones': `1\n${long}\n2\n`,
  'long CRLF lines back to back': `${long}\r\n${long}\r\n${long}`,
  'newlines only': '\n\n\r\n\n',
};

describe('readLineChunks: lines cut by chunk boundaries', () => {
  for (const [name, text] of Object.entries(inputs)) {
    it(`${name}: the same lines at every cut`, async () => {
      const bytes = Buffer.from(text);
      const want = expected(text);
      assert.deepEqual((await read([bytes])).flat(), want, 'one chunk');
      // two chunks, the boundary at every byte of the short inputs (at every newline, CR and the bytes around them in long ones)
      const cuts =
        bytes.length < 200
          ? Array.from({ length: bytes.length + 1 }, (_, i) => i)
          : [...bytes.keys()].filter((i) => bytes[i] === 0x0a || bytes[i] === 0x0d).flatMap((i) => [i - 1, i, i + 1, i + 2]);
      for (const at of cuts) {
        const chunks = [bytes.subarray(0, at), bytes.subarray(at)].filter((c) => c.length > 0);
        assert.deepEqual((await read(chunks)).flat(), want, `cut at byte ${at}`);
      }
      // many chunks: a long line spread over hundreds of them, cut inside characters and CRLFs
      for (const size of [1, 2, 3, 7, 4096, 65_536])
        if (bytes.length / size < 30_000) assert.deepEqual((await read(cut(bytes, size))).flat(), want, `chunks of ${size} bytes`);
    });
  }

  it('a UTF-8 byte order mark starting the input is dropped, wherever the chunks cut it; one further on is kept', async () => {
    const bytes = Buffer.from('\uFEFF1\n\uFEFF2\n');
    for (const size of [1, 2, 3, bytes.length])
      assert.deepEqual((await read(cut(bytes, size))).flat(), [
        { number: 1, text: '1' },
        { number: 2, text: '\uFEFF2' },
      ]);
  });

  it('a line is given with the chunk that completes it, not before', async () => {
    const out = await read([Buffer.from('a'), Buffer.from('b'), Buffer.from('c\nd'), Buffer.from('\n')]);
    assert.deepEqual(out, [[{ number: 1, text: 'abc' }], [{ number: 2, text: 'd' }]]);
  });
});
