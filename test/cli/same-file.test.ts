// `workforce run` refuses to write a file it reads, or to write two streams into one file, whatever
// the names say: a symlink, a hard link or stdin redirected from the file are the same file as its
// path. Nothing is opened for writing then: the input keeps its bytes, exit 2.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, linkSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDirs } from '../helpers.js';
import { BIN, cliFixture, jsonLines, workforce } from './cli.js';

const tmp = tempDirs('workforce-cli-same-');
const double = cliFixture('double.mjs');
const input = '1\n2\n3\n';

/** A folder with in.jsonl, a symlink link.jsonl and a hard link hard.jsonl to it. */
function files(): string {
  const dir = tmp();
  writeFileSync(join(dir, 'in.jsonl'), input);
  symlinkSync('in.jsonl', join(dir, 'link.jsonl'));
  linkSync(join(dir, 'in.jsonl'), join(dir, 'hard.jsonl'));
  return dir;
}

describe('workforce run: one file named twice', () => {
  for (const [args, message] of [
    [['-i', 'in.jsonl', '-o', 'link.jsonl'], /--output is the --input file/],
    [['-i', 'link.jsonl', '-o', 'in.jsonl'], /--output is the --input file/],
    [['-i', 'in.jsonl', '-o', 'hard.jsonl'], /--output is the --input file/],
    [['-i', 'in.jsonl', '-e', 'in.jsonl'], /--errors is the --input file/],
    [['-i', 'in.jsonl', '-e', 'link.jsonl'], /--errors is the --input file/],
    [['-i', 'in.jsonl', '-o', 'out.jsonl', '-e', 'out.jsonl'], /--errors is the --output file/],
    [['-i', 'in.jsonl', '-o', 'in.jsonl', '--resume'], /--output is the --input file/],
  ] as const) {
    it(`${args.join(' ')}: exit 2, the input untouched`, async () => {
      const dir = files();
      const { code, stdout, stderr } = await workforce(['run', double, ...args], { cwd: dir });
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.equal(stdout, '');
      assert.equal(readFileSync(join(dir, 'in.jsonl'), 'utf8'), input);
      assert.ok(!existsSync(join(dir, 'out.jsonl')), 'nothing was opened for writing');
    });
  }

  it('-o and -e naming one existing output file through a link: exit 2, the file untouched', async () => {
    const dir = files();
    writeFileSync(join(dir, 'out.jsonl'), 'kept\n');
    symlinkSync('out.jsonl', join(dir, 'out-link.jsonl'));
    const { code, stderr } = await workforce(['run', double, '-i', 'in.jsonl', '-o', 'out.jsonl', '-e', 'out-link.jsonl'], { cwd: dir });
    assert.equal(code, 2, stderr);
    assert.match(stderr, /--errors is the --output file/);
    assert.equal(readFileSync(join(dir, 'out.jsonl'), 'utf8'), 'kept\n');
  });

  it('stdin redirected from the --output file (< in.jsonl -o in.jsonl): exit 2, the input untouched', async () => {
    const dir = files();
    const script = `node ${JSON.stringify(BIN)} run ${JSON.stringify(double)} -o link.jsonl < in.jsonl; echo "status=$?" >&2`;
    const { stderr } = await promisify(execFile)('bash', ['-c', script], { cwd: dir, timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } });
    assert.match(stderr, /--output is the --input file/);
    assert.match(stderr, /status=2\n/);
    assert.equal(readFileSync(join(dir, 'in.jsonl'), 'utf8'), input);
  });

  it('different files, and a device named twice (-o /dev/null -e /dev/null), still run', async () => {
    const dir = files();
    const ok = await workforce(['run', double, '-i', 'link.jsonl', '-o', 'out.jsonl', '-e', 'errors.jsonl', '-q'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(jsonLines(readFileSync(join(dir, 'out.jsonl'), 'utf8')).sort(), [2, 4, 6]);
    const devices = await workforce(['run', double, '-i', 'in.jsonl', '-o', '/dev/null', '-e', '/dev/null', '-q'], { cwd: dir });
    assert.equal(devices.code, 0, devices.stderr);
  });
});
