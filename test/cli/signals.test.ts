// Ctrl-C (SIGINT to the command): the first stops reading, lets running tasks finish, flushes the
// output and exits 130; a second kills the workers at once. SIGTERM does the same, exit 143.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventually, tempDirs } from '../helpers.js';
import { cliFixture, jsonLines, start, workforce } from './cli.js';

const tmp = tempDirs('workforce-cli-signals-');
const double = cliFixture('double.mjs');
const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

describe('workforce run: Ctrl-C', () => {
  it('once: running tasks finish and are written, the rest is not read, exit 130; --resume then does the rest', async () => {
    const dir = tmp();
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, '300\n'.repeat(120)); // each task takes 300 ms; 8 run at once
    const args = ['run', double, '--method', 'slow', '-i', input, '-o', output, '-w', '2', '-c', '4', '--resume', '--with-input'];
    const run = start(args);
    await eventually(() => jsonLines(read(output)).length >= 8, 30_000);
    const before = jsonLines(read(output)).length;
    run.child.kill('SIGINT'); // 8 tasks are running (less a refill in progress)
    const { code, stderr } = await run.done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping/);
    const written = jsonLines(readFileSync(output, 'utf8')) as { line: number }[];
    const summary = /interrupted\): (\d+) done, 0 failed/.exec(stderr);
    assert.ok(summary, stderr);
    assert.equal(written.length, Number(summary[1]), 'every finished task is in the output');
    assert.ok(written.length < 120);
    assert.ok(written.length >= before + 4, `the tasks running at the interrupt finished and were written too (${before} before, ${written.length} after)`);
    const rest = await workforce(args);
    assert.equal(rest.code, 0, rest.stderr);
    const all = (jsonLines(readFileSync(output, 'utf8')) as { line: number }[]).map((r) => r.line).sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
  });

  it('once, reading stdin that stays open: stops waiting for input, flushes stdout, exit 130', async () => {
    const run = start(['run', double, '--with-input'], { stdin: 'pipe' });
    run.child.stdin?.write('1\n2\n3\n');
    await eventually(() => jsonLines(run.stdout).length === 3, 20_000);
    run.child.kill('SIGINT');
    const { code, stdout } = await run.done;
    assert.equal(code, 130);
    assert.equal(jsonLines(stdout).length, 3);
  });

  it('SIGTERM, as Ctrl-C: running tasks finish and are written, exit 143; a second signal kills them now', async () => {
    const dir = tmp();
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, '300\n'.repeat(120));
    const run = start(['run', double, '--method', 'slow', '-i', input, '-o', output, '-w', '2', '-c', '4', '--with-input']);
    await eventually(() => jsonLines(read(output)).length >= 8, 30_000);
    const before = jsonLines(read(output)).length;
    run.child.kill('SIGTERM');
    const { code, signal, stderr } = await run.done;
    assert.equal(signal, null, 'the command ended itself');
    assert.equal(code, 143, stderr);
    const summary = /interrupted\): (\d+) done, 0 failed/.exec(stderr);
    assert.ok(summary, stderr);
    const written = jsonLines(readFileSync(output, 'utf8'));
    assert.equal(written.length, Number(summary[1]), 'every finished task is in the output');
    assert.ok(written.length >= before + 4 && written.length < 120, `${before} before, ${written.length} after`);

    const marker = join(dir, 'started');
    writeFileSync(input, `${JSON.stringify(marker)}\n`.repeat(10)); // tasks that never end
    const hung = start(['run', double, '--method', 'hang', '-i', input, '-w', '2'], { limitMs: 30_000 });
    await eventually(() => read(marker).split('\n').length > 2, 20_000);
    hung.child.kill('SIGTERM');
    await eventually(() => /stopping/.test(hung.stderr), 20_000);
    hung.child.kill('SIGTERM');
    assert.equal((await hung.done).code, 143);
  });

  it('twice: the workers are killed now, exit 130', async () => {
    const dir = tmp();
    const input = join(dir, 'in.jsonl');
    const marker = join(dir, 'started');
    writeFileSync(input, `${JSON.stringify(marker)}\n`.repeat(10)); // tasks that never end
    const run = start(['run', double, '--method', 'hang', '-i', input, '-w', '2'], { limitMs: 30_000 });
    await eventually(() => read(marker).split('\n').length > 2, 20_000); // both workers run one
    run.child.kill('SIGINT');
    await eventually(() => /stopping/.test(run.stderr), 20_000);
    run.child.kill('SIGINT');
    const { code } = await run.done;
    assert.equal(code, 130);
  });
});
