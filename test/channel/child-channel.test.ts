import assert from 'node:assert/strict';
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ParentChannel } from 'workforcejs';
import { fixture, pidAlive } from '../helpers.js';

const CHILD = fixture('channel-child.mjs');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const strays = new Set<ChildProcess>();
after(() => {
  for (const child of strays) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start(options: { serialization?: 'json' | 'advanced' } = {}) {
  const child = fork(CHILD, { execArgv: [], serialization: options.serialization ?? 'advanced' });
  strays.add(child);
  return { child, channel: new ParentChannel(child) };
}

describe('ChildChannel', () => {
  test('holds the process only while it has listeners: a child that stops listening ends by itself', async () => {
    const { child, channel } = start();
    await channel.once('ready');
    const stopping = channel.once('stopping');
    const exited = once(child, 'exit');
    channel.send('stop-listening');
    await stopping;
    const [code, signal] = await exited;
    assert.equal(code, 0);
    assert.equal(signal, null);
    assert.equal(pidAlive(child.pid!), false);
  });

  test('exit(code) delivers the messages sent before it, then exits with the code', async () => {
    const { child, channel } = start({ serialization: 'json' });
    await channel.once('ready');
    const ticks: number[] = [];
    channel.on('tick', (i) => ticks.push(i));
    const bye = channel.once('bye');
    channel.send('ticks', 200);
    channel.send('exit', 9);
    assert.equal(await bye, 9);
    assert.equal(ticks.length, 200);
    assert.equal((await channel.exited).exitCode, 9);
    assert.equal(child.exitCode, 9);
  });

  test("the child's once() rejects with ChannelClosedError when the parent disconnects", async () => {
    const { child, channel } = start();
    await channel.once('ready');
    const waiting = channel.once('waiting');
    channel.send('wait-parent');
    await waiting;
    child.disconnect();
    const [code] = await once(child, 'exit');
    assert.equal(code, 42);
  });

  test("a CommonJS child: require('workforcejs/worker').ChildChannel", async () => {
    const child = fork(fixture('channel-child.cjs'), { execArgv: [] });
    strays.add(child);
    const channel = new ParentChannel(child);
    await channel.once('ready');
    const answer = channel.once('echo');
    channel.send('echo', [1, 'two']);
    assert.deepEqual(await answer, { data: [1, 'two'], pid: child.pid });
    // Its only listener unsubscribed itself: the child ends by itself.
    assert.equal((await channel.exited).exitCode, 0);
  });

  test('outside a thread or an IPC child, construction throws ChannelClosedError', () => {
    const script = `import { ChildChannel } from 'workforcejs/worker';
      try { new ChildChannel(); console.log('constructed'); } catch (e) { console.log(e.name, e.code); }`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(result.stdout.trim(), 'ChannelClosedError ERR_WORKFORCE_CHANNEL_CLOSED', result.stderr);
  });
});
