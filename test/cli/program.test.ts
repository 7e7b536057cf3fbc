// The command line's parts in-process: mounting a subcommand that parses its own flags (how
// `worker` joins), splitting input into numbered lines, the reorder buffer's bound.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { main, type Passthrough } from '../../src/cli/program.js';
import { readLines } from '../../src/cli/run/lines.js';
import { Reorder } from '../../src/cli/run/reorder.js';

describe('workforce: a passthrough subcommand', () => {
  it('gets every argument after its name, flags included, and its exit code is the command’s', async () => {
    let got: string[] | undefined;
    const echo: Passthrough = {
      name: 'echo',
      summary: 'a test command',
      main: async (argv) => {
        got = argv;
        return 7;
      },
    };
    assert.equal(await main(['echo', '--queue', 'q', '--help', '-x', 'rest'], [echo]), 7);
    assert.deepEqual(got, ['--queue', 'q', '--help', '-x', 'rest']);
  });
});

describe('readLines', () => {
  it('numbers lines from 1 across chunk boundaries, CRLF, a split UTF-8 character and a last line without newline', async () => {
    const e = Buffer.from('é');
    const chunks = [
      Buffer.from('a\r'),
      Buffer.from('\nb'),
      Buffer.concat([Buffer.from('c'), e.subarray(0, 1)]),
      Buffer.concat([e.subarray(1), Buffer.from('\n\nd')]),
    ];
    const lines: [number, string][] = [];
    for await (const line of readLines(Readable.from(chunks))) lines.push([line.number, line.text]);
    assert.deepEqual(lines, [
      [1, 'a'],
      [2, 'bcé'],
      [3, ''],
      [4, 'd'],
    ]);
  });
});

describe('Reorder', () => {
  it('emits in sequence order and makes the reader wait while `capacity` tasks are past the head', async () => {
    const out: string[] = [];
    const reorder = new Reorder<string>(3, (item) => out.push(item));
    const never = () => false;
    assert.deepEqual([await reorder.room(never), await reorder.room(never), await reorder.room(never)], [0, 1, 2]);
    let fourth: number | undefined;
    const waiting = reorder.room(never).then((seq) => (fourth = seq));
    reorder.settle(2, 'c');
    reorder.settle(1, 'b');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fourth, undefined, 'the head (0) is still running: no room');
    assert.deepEqual(out, []);
    reorder.settle(0, 'a');
    assert.equal(await waiting, 3);
    assert.deepEqual(out, ['a', 'b', 'c']);
  });
});
