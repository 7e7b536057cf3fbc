import assert from 'node:assert/strict';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { MessageChannel, Worker as NodeWorker } from 'node:worker_threads';
import { ChannelClosedError, ChildChannel, InvalidOptionError, ParentChannel, SerializationError } from 'workforcejs';
import { eventually, fixture, pidAlive } from '../helpers.js';

const CHILD = fixture('channel-child.mjs');

/** What the parent sends to channel-child.mjs, and what it answers. */
type ToChild = {
  echo: unknown;
  ticks: number;
  exit: number;
  crash: number;
  'ignore-term': undefined;
  'stop-listening': undefined;
  'wait-parent': undefined;
};
type FromChild = {
  ready: { pid: number; thread: boolean };
  echo: unknown;
  tick: number;
  bye: number;
  ignoring: undefined;
  stopping: undefined;
  waiting: undefined;
  never: undefined;
};

const channels = new Set<ParentChannel<ToChild, FromChild>>();
after(async () => {
  await Promise.all([...channels].map((c) => c.destroy({ force: true })));
});

type Kind = 'process' | 'thread';

async function open(kind: Kind): Promise<ParentChannel<ToChild, FromChild>> {
  const target = kind === 'process' ? fork(CHILD, { execArgv: [], serialization: 'advanced' }) : new NodeWorker(CHILD, { execArgv: [] });
  const channel = new ParentChannel<ToChild, FromChild>(target, { killTimeout: 300 });
  channels.add(channel);
  const ready = await channel.once('ready');
  assert.equal(ready.thread, kind === 'thread');
  return channel;
}

for (const kind of ['process', 'thread'] as const) {
  describe(`ParentChannel over a ${kind}`, () => {
    test('round trip: send a request, listen for the answer', async () => {
      const channel = await open(kind);
      assert.equal(channel.active, true);
      if (kind === 'process') {
        assert.equal(channel.id, channel.pid);
        assert.equal(typeof channel.pid, 'number');
      } else {
        assert.equal(channel.id, channel.threadId);
        assert.equal(channel.pid, undefined);
      }
      const payload = { n: 1, list: [1, 2, 3], nested: { s: 'x' } };
      const answer = channel.once('echo');
      channel.send('echo', payload);
      assert.deepEqual(await answer, payload);
      await channel.destroy();
    });

    test('on() sees every message until unsubscribed; the second argument unsubscribes too', async () => {
      const channel = await open(kind);
      const seen: number[] = [];
      const firstTwo: number[] = [];
      const off = channel.on('tick', (i) => seen.push(i));
      channel.on('tick', (i, unsubscribe) => {
        firstTwo.push(i);
        if (firstTwo.length === 2) unsubscribe();
      });
      const last = new Promise<void>((resolve) =>
        channel.on('tick', (i, unsubscribe) => {
          if (i !== 4) return;
          unsubscribe();
          resolve();
        }),
      );
      channel.send('ticks', 5);
      await last;
      assert.deepEqual(seen, [0, 1, 2, 3, 4]);
      assert.deepEqual(firstTwo, [0, 1]);
      off();
      off(); // twice is harmless
      const echoed = channel.once('echo');
      channel.send('ticks', 3);
      channel.send('echo', 'after');
      assert.equal(await echoed, 'after');
      assert.deepEqual(seen, [0, 1, 2, 3, 4], 'an unsubscribed listener is not called');
      assert.equal(channel.listenerCount, 0);
      await channel.destroy();
    });

    test('once rejects with ChannelClosedError when the child exits first', async () => {
      const channel = await open(kind);
      const closed = new Promise<void>((resolve) => channel.onClose(resolve));
      const never = channel.once('never');
      const bye = channel.once('bye');
      channel.send('exit', 3);
      assert.equal(await bye, 3, 'a message sent just before exit() arrives');
      await assert.rejects(never, (error: unknown) => error instanceof ChannelClosedError && error.code === 'ERR_WORKFORCE_CHANNEL_CLOSED');
      await closed;
      assert.equal(channel.active, false);
      const exit = await channel.exited;
      assert.equal(exit.exitCode, 3);
      assert.deepEqual(channel.exit, exit);
      // Waiting on a closed channel rejects at once.
      await assert.rejects(channel.once('echo'), ChannelClosedError);
    });

    test('send on a dead channel throws ChannelClosedError', async () => {
      const channel = await open(kind);
      channel.send('crash', 5);
      const exit = await channel.exited;
      assert.equal(exit.exitCode, 5);
      assert.throws(
        () => channel.send('echo', 1),
        (error: unknown) => error instanceof ChannelClosedError && /closed/.test(error.message),
      );
    });

    test('destroy() ends the child and resolves when it is gone', async () => {
      const channel = await open(kind);
      const closed = new Promise<void>((resolve) => channel.onClose(resolve));
      const exits: unknown[] = [];
      channel.onExit((e) => exits.push(e));
      const pending = channel.once('never');
      const exit = await channel.destroy();
      await assert.rejects(pending, ChannelClosedError);
      await closed;
      assert.equal(channel.active, false);
      assert.throws(() => channel.send('echo', 1), ChannelClosedError);
      assert.deepEqual(exits, [exit]);
      if (kind === 'process') {
        assert.equal(exit.signal, 'SIGTERM');
        assert.equal(pidAlive(channel.pid!), false);
      } else {
        assert.equal(exit.exitCode, 1); // terminate()
      }
      assert.deepEqual(await channel.destroy(), exit, 'destroy() again resolves with the same exit');
    });
  });
}

describe('ParentChannel over a process: kill and liveness', () => {
  test('a child that ignores SIGTERM is SIGKILLed after killTimeout', async () => {
    const channel = await open('process');
    const ignoring = channel.once('ignoring');
    channel.send('ignore-term');
    await ignoring;
    const started = Date.now();
    const exit = await channel.destroy();
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(Date.now() - started >= 250, 'waited for the graceful signal first');
    assert.equal(pidAlive(channel.pid!), false);
  });

  test('killTimeout: Infinity waits for the child (no early SIGKILL); destroy({ force }) still ends it', async () => {
    const target = fork(CHILD, { execArgv: [], serialization: 'advanced' });
    const channel = new ParentChannel<ToChild, FromChild>(target, { killTimeout: Number.POSITIVE_INFINITY });
    channels.add(channel);
    await channel.once('ready');
    const ignoring = channel.once('ignoring');
    channel.send('ignore-term');
    await ignoring;
    let exited = false;
    const graceful = channel.destroy().then((exit) => {
      exited = true;
      return exit;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(exited, false, 'still waiting for the child that ignores SIGTERM');
    assert.equal(pidAlive(channel.pid!), true);
    assert.equal((await channel.destroy({ force: true })).signal, 'SIGKILL');
    assert.equal((await graceful).signal, 'SIGKILL');
  });

  test('bad killTimeout or killSignal: InvalidOptionError', async () => {
    for (const options of [{ killTimeout: -1 }, { killTimeout: Number.NaN }, { killTimeout: '5' }, { killSignal: 'SIGNOPE' }, { killSignal: 9 }]) {
      const child = fork(CHILD, { execArgv: [] });
      try {
        assert.throws(() => new ParentChannel(child, options as never), InvalidOptionError, JSON.stringify(options));
      } finally {
        child.kill('SIGKILL');
        if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      }
    }
  });

  test('destroy({ force }) kills at once', async () => {
    const channel = await open('process');
    const exit = await channel.destroy({ force: true });
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(pidAlive(channel.pid!), false);
  });

  test('the channel closes when the child disconnects, before it exits', async () => {
    const channel = await open('process');
    const child = channel.target as ChildProcess;
    const closed = new Promise<void>((resolve) => channel.onClose(resolve));
    const waiting = channel.once('waiting');
    channel.send('wait-parent');
    await waiting;
    child.disconnect();
    await closed;
    assert.equal(channel.active, false);
    // The child's own once() rejected with ChannelClosedError: it exits with 42.
    assert.equal((await channel.exited).exitCode, 42);
  });

  test('a child process without an IPC channel is refused', async () => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    try {
      assert.throws(() => new ParentChannel(child), InvalidOptionError);
    } finally {
      if (child.exitCode === null) await once(child, 'exit');
    }
  });

  test('a program that cannot be started closes the channel', async () => {
    const channel = new ParentChannel(spawn('/nonexistent/workforce-program', [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }));
    const exit = await channel.exited;
    assert.equal(channel.active, false);
    assert.equal((exit.cause as NodeJS.ErrnoException).code, 'ENOENT');
    assert.throws(() => channel.send('x'), ChannelClosedError);
  });
});

describe('ParentChannel over a MessagePort', () => {
  test('round trip with a ChildChannel on the other port, then destroy closes both', async () => {
    const { port1, port2 } = new MessageChannel();
    const parent = new ParentChannel<{ ping: number }, { pong: number }>(port1);
    const child = new ChildChannel<{ pong: number }, { ping: number }>(port2);
    try {
      assert.equal(typeof parent.id, 'number');
      child.on('ping', (n) => child.send('pong', n + 1));
      const pong = parent.once('pong');
      parent.send('ping', 41);
      assert.equal(await pong, 42);
      const childWaits = child.once('ping');
      const childClosed = new Promise<void>((resolve) => child.onClose(resolve));
      const exit = await parent.destroy();
      assert.deepEqual(exit, { exitCode: null, signal: null });
      await childClosed;
      await assert.rejects(childWaits, ChannelClosedError);
      assert.equal(child.active, false);
      assert.throws(() => child.send('pong', 1), ChannelClosedError);
      assert.throws(() => parent.send('ping', 1), ChannelClosedError);
    } finally {
      port1.close();
    }
  });

  test('a value the port cannot carry is a SerializationError; the channel stays open', async () => {
    const { port1, port2 } = new MessageChannel();
    const parent = new ParentChannel<{ ping: unknown }, { pong: number }>(port1);
    const child = new ChildChannel<{ pong: number }, { ping: unknown }>(port2);
    try {
      assert.throws(() => parent.send('ping', () => 1), SerializationError);
      assert.throws(() => parent.send('ping', Symbol('s')), SerializationError);
      assert.equal(parent.active, true);
      child.on('ping', (n) => child.send('pong', Number(n) + 1));
      const pong = parent.once('pong');
      parent.send('ping', 1);
      assert.equal(await pong, 2);
    } finally {
      port1.close();
    }
  });

  test('a MessagePort handed to a thread carries a channel', async () => {
    const { port1, port2 } = new MessageChannel();
    const code = `
      const { workerData } = require('node:worker_threads');
      import('workforcejs/worker').then(({ ChildChannel }) => {
        const channel = new ChildChannel(workerData.port);
        channel.on('square', (n, off) => { channel.send('squared', n * n); off(); });
      });`;
    const worker = new NodeWorker(code, { eval: true, execArgv: [], workerData: { port: port2 }, transferList: [port2] });
    // listened for now: the thread's 'exit' may arrive before its answer on the other port
    const exited = once(worker, 'exit');
    const channel = new ParentChannel<{ square: number }, { squared: number }>(port1);
    try {
      const answer = channel.once('squared');
      channel.send('square', 12);
      assert.equal(await answer, 144);
      // The thread's channel dropped its only listener: nothing holds the thread, it ends by itself.
      const [code] = await exited;
      assert.equal(code, 0);
      await eventually(() => !channel.active, 2000);
    } finally {
      await worker.terminate();
      await channel.destroy();
    }
  });
});

describe('typed message maps', () => {
  test('send, on and once are checked against the maps (tsc -p tsconfig.json enforces the @ts-expect-error lines)', () => {
    const use = (channel: ParentChannel<{ ping: number; ready: undefined }, { pong: string }>) => {
      channel.send('ready');
      channel.send('ping', 1);
      // @ts-expect-error: wrong data type
      channel.send('ping', 'x');
      // @ts-expect-error: data is required
      channel.send('ping');
      // @ts-expect-error: unknown outgoing type
      channel.send('nope', 1);
      channel.on('pong', (text) => text.toUpperCase());
      // @ts-expect-error: unknown incoming type
      channel.on('ping', () => {});
      const answer: Promise<string> = channel.once('pong');
      return answer;
    };
    assert.equal(typeof use, 'function');
  });
});
