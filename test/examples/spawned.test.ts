// examples/spawned: travetto's "Spawning Pool" (children that double numbers) and the image
// queue fed on demand through an AsyncQueue, each run as a user would, checked by its output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function example(name: string): Promise<string> {
  const file = fileURLToPath(new URL(`../../examples/spawned/${name}`, import.meta.url));
  const { stdout } = await run(process.execPath, [file], { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 20_000 });
  return stdout;
}

describe('examples/spawned', () => {
  it('spawner.mjs: every input doubled by a child process, in order, then the pool shuts down', async () => {
    const stdout = await example('spawner.mjs');
    assert.deepEqual(
      stdout.trim().split('\n'),
      [1, 2, 3, 4, 5].map((n) => `Sent ${n} Received ${n * 2}`),
    );
  });

  it('images.mjs: five images queued in two batches, converted by two processes, none failed', async () => {
    const stdout = await example('images.mjs');
    const lines = stdout.trim().split('\n');
    const converted = lines.filter((l) => l.includes(' -> ')).map((l) => /^(\S+) -> (\S+) \(process (\d+)\)$/.exec(l));
    assert.equal(converted.length, 5, stdout);
    assert.deepEqual(converted.map((m) => m?.[1]).sort(), ['bird.gif', 'cat.png', 'dog.jpg', 'fish.bmp', 'fox.tiff']);
    for (const m of converted) assert.equal(m?.[2], m?.[1].replace(/\.\w+$/, '.webp'));
    assert.ok(new Set(converted.map((m) => m?.[3])).size <= 2, 'at most two converter processes (max: 2)');
    assert.equal(lines.at(-1), 'converted 5 images, 0 failed');
  });
});
