// `workforce run` as a user runs it (a child process): exactly-once output ordered and unordered,
// bad input and bad usage with their exit codes and messages (the README's main job:
// readme-main-job.test.ts).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDirs } from '../helpers.js';
import { cliFixture, jsonLines, numbers, ROOT, start, workforce } from './cli.js';

const tmp = tempDirs('workforce-cli-');
const double = cliFixture('double.mjs');

describe('workforce run: every result exactly once', () => {
  const count = 3000;
  for (const runtime of ['thread', 'process'] as const) {
    it(`unordered (${runtime}): each input's result once, out of order allowed`, async () => {
      const lines = runtime === 'thread' ? count : 500;
      const { code, stdout, stderr } = await workforce(['run', double, '--runtime', runtime, '-w', '2', '-c', '8', '--with-input'], { stdin: numbers(lines) });
      assert.equal(code, 0, stderr);
      const out = jsonLines(stdout) as { line: number; input: number; output: number }[];
      assert.equal(out.length, lines);
      assert.deepEqual(
        out.map((r) => r.line).sort((a, b) => a - b),
        Array.from({ length: lines }, (_, i) => i + 1),
      );
      for (const r of out) assert.equal(r.output, r.input * 2);
      assert.match(stderr, new RegExp(`${lines} done, 0 failed`));
    });
  }

  it('--ordered: the results in input order, from a file to a file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'in.jsonl'), numbers(count));
    const { code, stderr } = await workforce(['run', double, '-i', join(dir, 'in.jsonl'), '-o', join(dir, 'out.jsonl'), '--ordered', '-w', '2', '-c', '16']);
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      jsonLines(readFileSync(join(dir, 'out.jsonl'), 'utf8')),
      Array.from({ length: count }, (_, i) => (i + 1) * 2),
    );
  });

  it('the unordered run really is out of order (so the ordered test can fail)', async () => {
    const { stdout } = await workforce(['run', double, '-w', '2', '-c', '16', '-q'], { stdin: numbers(count) });
    const out = jsonLines(stdout) as number[];
    assert.notDeepEqual(
      out,
      Array.from({ length: count }, (_, i) => (i + 1) * 2),
    );
  });

  it('an input file saved with a UTF-8 byte order mark: its first line is a task like the others', async () => {
    const input = join(tmp(), 'bom.jsonl');
    writeFileSync(input, '\uFEFF1\r\n2\r\n');
    const { code, stdout, stderr } = await workforce(['run', double, '-i', input, '--ordered']);
    assert.equal(code, 0, stderr);
    assert.deepEqual(jsonLines(stdout), [2, 4]);
  });

  it('CRLF lines, blank lines and a last line without a newline; --spread and --method', async () => {
    const { code, stdout, stderr } = await workforce(['run', double, '--method', 'add', '--spread', '--with-input', '--ordered'], {
      stdin: '[1,2]\r\n\r\n   \n[3,4]\n[5,6]',
    });
    assert.equal(code, 0, stderr);
    assert.deepEqual(jsonLines(stdout), [
      { line: 1, input: [1, 2], output: 3 },
      { line: 4, input: [3, 4], output: 7 },
      { line: 5, input: [5, 6], output: 11 },
    ]);
  });
});

describe('workforce run: failures and bad usage', () => {
  it('bad JSON lines and throwing tasks: error lines with line numbers, the rest written, exit 1', async () => {
    const dir = tmp();
    const errors = join(dir, 'errors.jsonl');
    const input = '1\n{oops\n5\n\n7\n10\n';
    const { code, stdout, stderr } = await workforce(['run', double, '--method', 'picky', '--ordered', '-e', errors], { stdin: input });
    assert.equal(code, 1, stderr);
    assert.deepEqual(jsonLines(stdout), [1, 7]);
    const failed = (
      jsonLines(readFileSync(errors, 'utf8')) as { line: number; input: unknown; error: { name: string; code?: string; message: string } }[]
    ).sort((a, b) => a.line - b.line);
    assert.deepEqual(
      failed.map((e) => [e.line, e.input, e.error.name]),
      [
        [2, '{oops', 'BadInputLineError'],
        [3, 5, 'RangeError'],
        [6, 10, 'RangeError'],
      ],
    );
    assert.equal(failed[0].error.code, 'ERR_WORKFORCE_BAD_INPUT_LINE');
    assert.match(failed[0].error.message, /^Line 2: not JSON/);
    assert.match(stderr, /2 done, 3 failed/);
  });

  it('error lines go to stderr without --errors; a result JSON cannot hold fails its line', async () => {
    const { code, stdout, stderr } = await workforce(['run', double, '--method', 'big'], { stdin: '1\n' });
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const [error] = jsonLines(stderr.split('\n')[0]) as { line: number; error: { name: string; message: string } }[];
    assert.equal(error.line, 1);
    assert.equal(error.error.name, 'SerializationError');
  });

  it('--spread with a line that is not an array: an error line, not a crash', async () => {
    const { code, stdout, stderr } = await workforce(['run', double, '--method', 'add', '--spread', '-q'], { stdin: '[1,2]\n3\n' });
    assert.equal(code, 1);
    assert.deepEqual(jsonLines(stdout), [3]);
    assert.match(stderr, /"line":2.*--spread needs a JSON array/);
  });

  it('--fail-fast stops reading at the first failure', async () => {
    const { code, stdout, stderr } = await workforce(['run', double, '--method', 'picky', '-w', '1', '--fail-fast'], { stdin: numbers(5000) });
    assert.equal(code, 1, stderr);
    assert.ok(jsonLines(stdout).length < 100, `ran ${jsonLines(stdout).length} lines after the failure at line 5`);
  });

  it('an error of a worker outside any task (a timer that throws) is said on stderr; every line is still answered', async () => {
    const dir = tmp();
    const module = join(dir, 'timer-throws.mjs');
    // line 1 answers at once and leaves a timer that throws while line 2 runs: that worker dies,
    // line 2 runs again on a new one
    writeFileSync(
      module,
      "export default async (n) => { if (n === 1) setTimeout(() => { throw new Error('thrown by a timer'); }, 5); else await new Promise((r) => setTimeout(r, 100)); return n; };\n",
    );
    const { code, stdout, stderr } = await workforce(['run', module, '-w', '1', '--ordered'], { stdin: numbers(3) });
    assert.equal(code, 0, stderr);
    assert.deepEqual(jsonLines(stdout), [1, 2, 3]);
    assert.match(stderr, /^workforce run: worker \d+: thrown by a timer$/m);
  });

  it('a missing module: exit 3 naming it', async () => {
    const { code, stderr } = await workforce(['run', 'no/such/module.mjs'], { stdin: '1\n' });
    assert.equal(code, 3);
    assert.match(stderr, /cannot load module .*no\/such\/module\.mjs: no such file/);
  });

  it('a module that throws on import: exit 3 with its error, said once', async () => {
    const broken = cliFixture('broken.mjs');
    const { code, stderr } = await workforce(['run', broken, '-w', '2'], { stdin: numbers(50) });
    assert.equal(code, 3);
    assert.ok(stderr.split('\n').includes(`workforce run: cannot load module ${broken}: Error: this module is broken on purpose`), stderr);
    assert.doesNotMatch(stderr, /"line":/); // one message, not one error line per input
  });

  it('a module that cannot load, with an empty input: exit 3 all the same (threads, processes, a syntax error)', async () => {
    const dir = tmp();
    const syntax = join(dir, 'syntax.mjs');
    writeFileSync(syntax, 'export const x = ;\n');
    for (const [module, runtime, message] of [
      [cliFixture('broken.mjs'), 'thread', /broken on purpose/],
      [cliFixture('broken.mjs'), 'process', /broken on purpose/],
      [syntax, 'thread', /SyntaxError/],
    ] as const) {
      const { code, stderr } = await workforce(['run', module, '-r', runtime, '-q'], { stdin: '' });
      assert.equal(code, 3, `${module} on ${runtime}: ${stderr}`);
      assert.match(stderr, /cannot load module/);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /Cannot load worker module/); // the reason once, not the pool's own prefix too
    }
  });

  it('a module that cannot load, stdin left open and empty: exit 3 at once, without waiting for input', async () => {
    const run = start(['run', cliFixture('broken.mjs'), '-w', '2', '-q'], { stdin: 'pipe', limitMs: 20_000 });
    const { code, stderr } = await run.done; // stdin is never written nor closed
    assert.equal(code, 3, stderr);
    assert.match(stderr, /cannot load module .*broken on purpose/);
  });

  it('a --method the module does not export: exit 3', async () => {
    const { code, stderr } = await workforce(['run', double, '--method', 'nope'], { stdin: '1\n' });
    assert.equal(code, 3);
    assert.match(stderr, /nope/);
  });

  it('a bad --serializer: exit 2 naming it and what is wrong with it, not the module', async () => {
    for (const [serializer, problem] of [
      ['no-such-serializer', /--serializer no-such-serializer: no such file .*no-such-serializer \(a serializer is structured, json, cbor or/],
      [double, /--serializer .*double\.mjs: .*double\.mjs is not a Serializer module/],
      [cliFixture('broken.mjs'), /--serializer .*broken\.mjs: cannot load .*broken\.mjs: Error: this module is broken on purpose/],
      // loads in the command, fails as the workers start
      [
        cliFixture('main-thread-serializer.mjs'),
        /--serializer .*main-thread-serializer\.mjs: cannot load .*: Error: this serializer does not load in a worker thread/,
      ],
    ] as const) {
      const { code, stderr } = await workforce(['run', double, '--serializer', serializer, '-q'], { stdin: '1\n' });
      assert.equal(code, 2, `--serializer ${serializer}: ${stderr}`);
      assert.match(stderr, problem);
      assert.doesNotMatch(stderr, /cannot load module|Invalid option/);
    }
  });

  it('an unknown flag: exit 2 with a did-you-mean', async () => {
    const { code, stderr } = await workforce(['run', double, '--orderd']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown option '--orderd'/);
    assert.match(stderr, /Did you mean --ordered\?/);
  });

  it('bad values and combinations: exit 2', async () => {
    for (const args of [
      ['run', double, '--workers', '0'],
      ['run', double, '--runtime', 'fibers'],
      ['run', double, '--resume'],
      ['run', double, '-i', 'no-such-input.jsonl'],
      ['run'],
      ['walk'],
      [],
    ]) {
      const { code, stderr } = await workforce(args);
      assert.equal(code, 2, `workforce ${args.join(' ')}: ${stderr}`);
      assert.ok(stderr.length > 0);
    }
  });

  it('a number past what the pool takes: exit 2 naming the flag as typed and the range the command takes', async () => {
    for (const [flag, range] of [
      ['--workers', /--workers takes a whole number from 1 to \d+, not "99999999999"/],
      ['-w', /--workers takes a whole number from 1 to \d+, not "99999999999"/],
      ['--timeout', /--timeout takes a whole number from 1 to 2147483647, not "99999999999"/],
    ] as const) {
      const { code, stderr } = await workforce(['run', double, flag, '99999999999'], { stdin: '1\n' });
      assert.equal(code, 2, `${flag}: ${stderr}`);
      assert.match(stderr, range);
      assert.doesNotMatch(stderr, /numberOfWorkers|Invalid option|Infinity/);
    }
    // workforce worker's flags the same way (refused before Redis or bullmq are needed)
    for (const [flag, range] of [
      ['--workers', /--workers takes a whole number from 1 to \d+, not "99999999999"/],
      ['--timeout', /--timeout takes a whole number from 1 to 2147483647, not "99999999999"/],
      ['--drain-timeout', /--drain-timeout takes a whole number from 0 to 2147483647, not "99999999999"/],
      ['--lock-duration', /--lock-duration takes a whole number from 100 to 2147483647, not "99999999999"/],
    ] as const) {
      const args = ['worker', '--queue', 'q', '--redis', 'redis://127.0.0.1:1', '--module', double, flag, '99999999999'];
      const { code, stderr } = await workforce(args);
      assert.equal(code, 2, `worker ${flag}: ${stderr}`);
      assert.match(stderr, range);
      assert.doesNotMatch(stderr, /numberOfWorkers|Invalid option|Infinity/);
    }
    const longest = await workforce(['run', double, '--timeout', '2147483647', '-q'], { stdin: '1\n' });
    assert.equal(longest.code, 0, longest.stderr);
    assert.deepEqual(jsonLines(longest.stdout), [2]);
  });

  it('--help and --version: exit 0', async () => {
    const help = await workforce(['run', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--ordered/);
    const version = await workforce(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
