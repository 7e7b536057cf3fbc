// A ParentChannel built on a target that is already gone (an exited thread or process, a port
// whose peer closed, a process whose IPC channel is disconnected) is closed from the start: not
// active, send throws and waits reject with ChannelClosedError, `exited` resolves with what is
// known of the exit, destroy() resolves.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { MessageChannel, type MessagePort, Worker as NodeWorker } from 'node:worker_threads';
import { ChannelClosedError, type ChannelExit, type ChannelTarget, ParentChannel } from 'workforcejs';
import { running } from '../chaos/proc.js';

const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) if (child.pid !== undefined && running(child.pid)) child.kill('SIGKILL');
});

/** A node child with an IPC channel running `code`. */
function node(code: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.add(child);
  return child;
}

/** Settles within `ms`, or fails the test. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Everything a closed channel must do; returns how `exited` resolved. */
async function assertClosed(target: ChannelTarget): Promise<ChannelExit> {
  const channel = new ParentChannel(target, { killTimeout: 200 });
  assert.equal(channel.active, false);
  assert.throws(() => channel.send('x', 1), ChannelClosedError);
  await assert.rejects(within(channel.once('y'), 500, 'once'), ChannelClosedError);
  let closed = false;
  channel.onClose(() => {
    closed = true;
  });
  const exit = await within(channel.exited, 1000, 'exited');
  assert.equal(closed, true, 'onClose listeners run');
  assert.deepEqual(await within(channel.destroy(), 1000, 'destroy()'), exit);
  assert.deepEqual(channel.exit, exit);
  return exit;
}

describe('ParentChannel over a target that is already gone', () => {
  test('a worker thread that has exited', async () => {
    const worker = new NodeWorker('process.exitCode = 3', { eval: true });
    await once(worker, 'exit');
    assert.equal(worker.threadId, -1);
    const exit = await assertClosed(worker);
    // a Worker does not keep its exit code
    assert.deepEqual(exit, { exitCode: null, signal: null });
  });

  test('a thread that exits while wrapped keeps its threadId and reports its exit code', async () => {
    const worker = new NodeWorker('setTimeout(() => process.exit(4), 50)', { eval: true });
    const threadId = worker.threadId;
    const channel = new ParentChannel(worker);
    assert.deepEqual(await channel.exited, { exitCode: 4, signal: null });
    assert.equal(channel.threadId, threadId);
    assert.equal(channel.active, false);
  });

  test('a message port whose peer was closed before', async () => {
    const { port1, port2 } = new MessageChannel();
    const closed = once(port1, 'close');
    port1.ref(); // an unref'd port would let the event loop end before its 'close' event
    port2.close();
    await closed; // the 'close' event has come and gone
    await assertClosed(port1);
  });

  test('a message port closed itself before, and an open port left unref’d by the check', async () => {
    const { port1 } = new MessageChannel();
    const closed = once(port1, 'close');
    port1.close();
    await closed;
    await assertClosed(port1);
    // an open port passes the check as open, and is not left holding the event loop
    const open = new MessageChannel();
    const channel = new ParentChannel(open.port1);
    assert.equal(channel.active, true);
    assert.equal((open.port1 as MessagePortWithRef).hasRef(), false);
    await channel.destroy();
  });

  test('a child process that has exited: its exit code', async () => {
    const child = node('process.exit(3)');
    await once(child, 'exit');
    assert.deepEqual(await assertClosed(child), { exitCode: 3, signal: null });
  });

  test('a child process that was killed: its signal', async () => {
    const child = node('setInterval(() => {}, 1000)');
    await once(child, 'spawn');
    child.kill('SIGKILL');
    await once(child, 'close');
    assert.deepEqual(await assertClosed(child), { exitCode: null, signal: 'SIGKILL' });
  });

  test('a program that could not be started: the spawn error as cause', async () => {
    const child = spawn('/nonexistent/workforce-test-program', [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.on('error', () => {});
    await new Promise((resolve) => child.once('close', resolve)); // once() would reject on 'error'
    const exit = await assertClosed(child);
    assert.equal(exit.exitCode, null);
    assert.equal((exit.cause as NodeJS.ErrnoException).code, 'ENOENT');
  });

  test('a live child whose IPC channel is already disconnected: closed now, destroy() ends it', async () => {
    const child = node('process.disconnect(); setInterval(() => {}, 1000)');
    await once(child, 'disconnect');
    const channel = new ParentChannel(child, { killTimeout: 200 });
    assert.equal(channel.active, false);
    assert.throws(() => channel.send('x', 1), ChannelClosedError);
    await assert.rejects(within(channel.once('y'), 500, 'once'), ChannelClosedError);
    await within(new Promise<void>((resolve) => channel.onClose(resolve)), 500, 'onClose');
    assert.equal(channel.exit, undefined, 'the process still runs');
    assert.deepEqual(await within(channel.destroy(), 2000, 'destroy()'), { exitCode: null, signal: 'SIGTERM' });
    assert.equal(running(child.pid!), false);
  });
});

type MessagePortWithRef = MessagePort & { hasRef(): boolean };
