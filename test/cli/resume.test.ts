// `workforce run --resume`: after kill -9 at several points (and crash debris: a half-written
// output line, a half-written journal entry) a rerun leaves every input line in the output
// exactly once; a journal made for another input or command is refused.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventually, tempDirs } from '../helpers.js';
import { cliFixture, jsonLines, numbers, start, workforce } from './cli.js';

const tmp = tempDirs('workforce-cli-resume-');
const double = cliFixture('double.mjs');

/** Output records of a --with-input run: asserts each of lines 1..count is there exactly once. */
function assertExactlyOnce(outPath: string, count: number): { line: number; input: number; output: number }[] {
  const out = jsonLines(readFileSync(outPath, 'utf8')) as { line: number; input: number; output: number }[];
  const seen = new Map<number, number>();
  for (const r of out) {
    seen.set(r.line, (seen.get(r.line) ?? 0) + 1);
    assert.equal(r.output, r.input * 2);
  }
  const twice = [...seen].filter(([, n]) => n > 1).map(([line]) => line);
  assert.deepEqual(twice, [], 'lines written twice');
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((line) => !seen.has(line));
  assert.deepEqual(missing, [], 'lines missing');
  return out;
}

const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);

describe('workforce run --resume after kill -9', () => {
  const count = 6000;
  for (const { runtime, ordered } of [
    { runtime: 'thread', ordered: false },
    { runtime: 'thread', ordered: true },
    { runtime: 'process', ordered: false },
  ]) {
    it(`${runtime}${ordered ? ', --ordered' : ''}: killed at four points in a row, then resumed to the end: every line once`, async () => {
      const dir = tmp();
      const input = join(dir, 'in.jsonl');
      const output = join(dir, 'out.jsonl');
      writeFileSync(input, numbers(count));
      const args = [
        'run',
        double,
        '-i',
        input,
        '-o',
        output,
        '--resume',
        '--with-input',
        '--runtime',
        runtime,
        '-w',
        '2',
        '-c',
        '8',
        ...(ordered ? ['--ordered'] : []),
      ];
      // kill points: before any output, then after the output grew by these many bytes
      let kills = 0;
      for (const grow of [0, 1, 20_000, 50_000]) {
        const from = size(output);
        const run = start(args);
        if (grow === 0) await eventually(() => existsSync(`${output}.workforce-journal`), 20_000, 1);
        else await eventually(() => size(output) >= from + grow, 40_000, 2);
        run.child.kill('SIGKILL');
        const killed = await run.done;
        if (killed.signal === 'SIGKILL') kills++;
      }
      assert.ok(kills >= 3, `only ${kills} of the runs were still going when killed`);
      const last = await workforce(args);
      assert.equal(last.code, 0, last.stderr);
      assert.match(last.stderr, /skipped \(done before: --resume\)/);
      const out = assertExactlyOnce(output, count);
      if (ordered)
        assert.deepEqual(
          out.map((r) => r.line),
          Array.from({ length: count }, (_, i) => i + 1),
        );
    });
  }
});

describe('workforce run --resume: crash debris and mismatches', () => {
  /** A finished --resume run of 300 lines in `dir`. */
  async function finished(dir: string, extra: string[] = []) {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, numbers(300));
    const args = ['run', double, '-i', input, '-o', output, '--resume', '--with-input', ...extra];
    const first = await workforce(args);
    assert.equal(first.code, 0, first.stderr);
    return { input, output, journal: `${output}.workforce-journal`, args };
  }

  it('a half-written output line and a half-written journal entry: cut back and redone', async () => {
    const { output, journal, args } = await finished(tmp(), ['-w', '1']);
    // the crash: the last batch was written to the output but its journal entry was cut short,
    // and a further result line was cut mid-way
    const text = readFileSync(journal, 'utf8');
    const lastEntry = text.lastIndexOf('\n', text.length - 2) + 1;
    assert.ok(lastEntry > text.indexOf('\n') + 1, 'the journal has more than one entry');
    truncateSync(journal, Buffer.byteLength(text.slice(0, lastEntry)) + 3);
    appendFileSync(output, '{"line":301,"inp');
    const again = await workforce(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /[1-9]\d* done, 0 failed, \d+ skipped/);
    assertExactlyOnce(output, 300);
  });

  it('a finished run resumed again: nothing run, the output unchanged', async () => {
    const { output, args } = await finished(tmp());
    const before = readFileSync(output, 'utf8');
    const again = await workforce(args);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /0 done, 0 failed, 300 skipped/);
    assert.equal(readFileSync(output, 'utf8'), before);
  });

  it('refuses a journal made for another input (exit 2) and leaves the output alone', async () => {
    const dir = tmp();
    const { input, output, args } = await finished(dir);
    const before = readFileSync(output, 'utf8');
    writeFileSync(input, numbers(301));
    const other = await workforce(args);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /Cannot resume from .*workforce-journal: it was written for another input/);
    assert.equal(readFileSync(output, 'utf8'), before);
  });

  it('refuses a journal made by another command (--method), and an output that was replaced', async () => {
    const { output, args } = await finished(tmp());
    const method = await workforce([...args, '--method', 'picky']);
    assert.equal(method.code, 2);
    assert.match(method.stderr, /another method/);
    writeFileSync(output, '');
    const replaced = await workforce(args);
    assert.equal(replaced.code, 2);
    assert.match(replaced.stderr, /the output .* has 0 bytes but the journal records \d+/);
  });

  it('a run without --resume starts over and drops the old journal', async () => {
    const { input, output, journal } = await finished(tmp());
    const plain = await workforce(['run', double, '-i', input, '-o', output, '-q']);
    assert.equal(plain.code, 0);
    assert.equal(existsSync(journal), false);
    assert.equal(jsonLines(readFileSync(output, 'utf8')).length, 300);
  });
});
