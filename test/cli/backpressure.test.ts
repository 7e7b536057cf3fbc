// Streaming with backpressure: `workforce run` reads its input only as fast as the workers take
// lines, so an endless producer on stdin is held back by the pipe instead of filling memory.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { sleep } from '../helpers.js';
import { cliFixture, jsonLines, start } from './cli.js';

const double = cliFixture('double.mjs');

describe('workforce run: backpressure', () => {
  it('a producer writing stdin as fast as it can is held back while slow tasks run', async () => {
    // 20 ms a line on one worker: about 50 lines a second are taken
    const run = start(['run', double, '--method', 'slow', '-w', '1', '--with-input'], { stdin: 'pipe', limitMs: 60_000 });
    const stdin = run.child.stdin;
    assert.ok(stdin);
    stdin.on('error', () => {}); // EPIPE once the command ends
    const chunk = '20\n'.repeat(1 << 14); // 48 KB
    const limit = 64 << 20; // what an eager reader would have taken by the end
    let taken = 0; // bytes the command's end of the pipe accepted
    let writing = true;
    const producer = (async () => {
      while (writing && taken < limit) {
        const ok = stdin.write(chunk, (error) => {
          if (!error) taken += chunk.length;
        });
        if (!ok) await Promise.race([once(stdin, 'drain'), sleep(100)]);
        while (writing && stdin.writableNeedDrain) await Promise.race([once(stdin, 'drain'), sleep(100)]);
      }
    })();
    await sleep(3000);
    writing = false;
    await producer;
    const results = jsonLines(run.stdout.slice(0, run.stdout.lastIndexOf('\n') + 1)).length;
    run.child.kill('SIGINT');
    const { code } = await run.done;
    assert.equal(code, 130);
    // the pipe, the stdin stream's buffer and the chunk being split: a few hundred KB at most
    assert.ok(taken < 4 << 20, `the command took ${(taken / 2 ** 20).toFixed(1)} MB of input in 3 s while running ${results} lines of it`);
    assert.ok(taken > 0, 'it read some input');
  });
});
