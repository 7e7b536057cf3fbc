import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  ChannelClosedError,
  type ExitInfo,
  InvalidOptionError,
  type ParentChannel,
  type SpawnedWorker,
  spawnedWorker,
  WorkerCrashError,
  WorkPool,
} from 'workforcejs';
import { DOUBLE_CHILD, doubler } from '../fixtures/spawned-doubler.js';
import { fixture, pidAlive } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'workforce-spawned-'));
const workers = new Set<SpawnedWorker<any, any, any, any>>();
const pools = new Set<WorkPool<any, any, any>>();
after(async () => {
  await Promise.all([...pools].map((p) => p.kill()));
  await Promise.all([...workers].map((w) => w.destroy({ force: true })));
  rmSync(dir, { recursive: true, force: true });
});

function track<W extends SpawnedWorker<any, any, any, any>>(worker: W): W {
  workers.add(worker);
  return worker;
}

/** The seed's handlers: wait for 'ready'; per input, send a request and return the answer's data. */
const seedHandlers = {
  init: (channel: ParentChannel) => channel.once('ready'),
  async execute(channel: ParentChannel, input: number): Promise<number> {
    const res = channel.once('response');
    channel.send('request', { data: input });
    return (await res).data;
  },
};

/** A WorkPool of spawned workers that remembers every child pid it started. */
function poolOf(factory: () => SpawnedWorker<unknown, number, any, any>, max: number) {
  const pids = new Set<number>();
  const pool = new WorkPool<unknown, number, SpawnedWorker<unknown, number, any, any>>(
    () => {
      const worker = track(factory());
      if (worker.pid !== undefined) pids.add(worker.pid);
      return worker;
    },
    { maxWorkers: max },
  );
  pools.add(pool);
  return { pool, pids };
}

describe('spawnedWorker', () => {
  test('a forked .mjs child: init, execute, graceful destroy', async () => {
    const destroyed: number[] = [];
    const worker = track(
      spawnedWorker<number, number>(DOUBLE_CHILD, {
        opts: { execArgv: [] },
        handlers: {
          ...seedHandlers,
          destroy(channel) {
            assert.equal(channel.active, true, 'handlers.destroy runs while the channel is open');
            destroyed.push(channel.id);
          },
        },
      }),
    );
    const exits: ExitInfo[] = [];
    worker.onExit((info) => exits.push(info));
    assert.equal(typeof worker.pid, 'number');
    assert.equal(worker.id, worker.pid);
    const ready = (await worker.init?.()) as { pid: number };
    assert.equal(ready.pid, worker.pid);
    assert.equal(worker.active, true);
    assert.equal(await worker.execute(21, { taskId: 1 }), 42);
    assert.equal(await worker.execute(-4, { taskId: 2 }), -8);
    await worker.destroy();
    assert.deepEqual(destroyed, [worker.pid]);
    assert.equal(worker.active, false);
    assert.equal(pidAlive(worker.pid!), false);
    await new Promise((r) => setImmediate(r));
    assert.equal(exits.length, 1);
    assert.equal(exits[0]!.planned, true);
    assert.equal(exits[0]!.signal, 'SIGTERM');
  });

  test('the child dies mid-task: execute rejects with WorkerCrashError, active turns false, onExit reports a crash', async () => {
    const marker = join(dir, 'crash-direct');
    const worker = track(doubler({ crashOnce: marker }));
    await worker.init?.();
    const exited = new Promise<ExitInfo>((resolve) => worker.onExit(resolve));
    const error = await worker.execute(3, { taskId: 1 }).then(
      () => assert.fail('execute should reject'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof WorkerCrashError, String(error));
    assert.equal(error.exitCode, 7);
    assert.equal(error.signal, null);
    assert.equal(error.pid, worker.pid);
    assert.equal(error.workerId, worker.pid);
    assert.match(error.message, /exited with code 7/);
    assert.equal(readFileSync(marker, 'utf8'), String(worker.pid));
    assert.equal(worker.active, false);
    const info = await exited;
    assert.equal(info.planned, false);
    assert.equal(info.exitCode, 7);
    // A dead worker refuses work with the same crash.
    await assert.rejects(worker.execute(1, { taskId: 2 }), (e: unknown) => e instanceof WorkerCrashError && e.exitCode === 7);
    assert.equal(pidAlive(worker.pid!), false);
  });

  test('in a WorkPool, a crashed task is retried on a new worker and completes', async () => {
    const marker = join(dir, 'crash-pool');
    const { pool, pids } = poolOf(() => doubler({ crashOnce: marker }), 1);
    const exits: (number | null)[] = [];
    pool.on('exit', (_worker, code) => exits.push(code));
    assert.equal(await pool.submit(5), 10);
    assert.ok(existsSync(marker), 'the first attempt crashed');
    const crashed = Number(readFileSync(marker, 'utf8'));
    assert.ok(pids.has(crashed));
    assert.equal(pids.size, 2, 'a replacement worker was started');
    assert.deepEqual(exits, [7]);
    assert.equal(await pool.submit(6), 12);
    await pool.close();
    for (const pid of pids) assert.equal(pidAlive(pid), false, `pid ${pid} is gone`);
  });

  test('close() leaves no child process', async () => {
    const { pool, pids } = poolOf(() => doubler({ delay: 5 }), 3);
    const inputs = Array.from({ length: 30 }, (_, i) => i);
    const outputs: number[] = [];
    const summary = await pool.process(inputs, { onResult: (r) => r.ok && outputs.push(r.value) });
    assert.equal(summary.completed, 30);
    assert.deepEqual(
      outputs.sort((a, b) => a - b),
      inputs.map((i) => i * 2),
    );
    assert.ok(pids.size >= 1 && pids.size <= 3, `${pids.size} workers`);
    await pool.close();
    for (const pid of pids) assert.equal(pidAlive(pid), false, `pid ${pid} is gone`);
    assert.equal(pool.workers.length, 0);
  });

  test('a .ts child is forked through tsx without configuration', async () => {
    const worker = track(
      spawnedWorker<number, number>(fixture('spawned-typed.ts'), {
        opts: { execArgv: [] }, // nothing inherited: workforce adds the tsx loader itself
        handlers: seedHandlers,
      }),
    );
    await worker.init?.();
    assert.equal(await worker.execute(8, { taskId: 1 }), 16);
    await worker.destroy();
    assert.equal(pidAlive(worker.pid!), false);
  });

  test('a program that cannot be started: init rejects, execute reports a crash', async () => {
    const worker = track(doubler({ command: join(dir, 'no-such-program') }));
    await assert.rejects(Promise.resolve(worker.init?.()), ChannelClosedError);
    assert.equal(worker.active, false);
    await assert.rejects(worker.execute(1, { taskId: 1 }), WorkerCrashError);
    await worker.destroy();
  });
});

describe('spawnedWorker: bad options', () => {
  test('a bad killTimeout or killSignal is an InvalidOptionError before any child starts', async () => {
    const marker = join(dir, 'started');
    const args = ['-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`];
    for (const opts of [{ killSignal: 'SIGNOPE' }, { killTimeout: -5 }, { killTimeout: Number.NaN }]) {
      assert.throws(() => spawnedWorker(process.execPath, { args, opts: opts as never, handlers: seedHandlers }), InvalidOptionError);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(existsSync(marker), false, 'no child was started');
  });

  test('missing or wrong handlers, args or command: InvalidOptionError before any child starts', async () => {
    const marker = join(dir, 'started-handlers');
    const args = ['-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`];
    const bad: [unknown, unknown][] = [
      [process.execPath, { args }],
      [process.execPath, { args, handlers: {} }],
      [process.execPath, { args, handlers: { execute: 1 } }],
      [process.execPath, { args, handlers: { ...seedHandlers, init: 'x' } }],
      [process.execPath, { args: 'x', handlers: seedHandlers }],
      [process.execPath, null],
      ['', { args, handlers: seedHandlers }],
    ];
    for (const [command, config] of bad) {
      assert.throws(() => spawnedWorker(command as string, config as never), InvalidOptionError, JSON.stringify(config));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(existsSync(marker), false, 'no child was started');
  });
});

describe('spawnedWorker: any program speaking JSON over the IPC descriptor', () => {
  test('a python3 child', async () => {
    const { pool, pids } = poolOf(() => doubler({ command: 'python3', args: [fixture('spawned-double.py')] }), 2);
    const summary = await pool.process([1, 2, 3, 'x', 2.5], {});
    assert.equal(summary.completed, 4);
    assert.deepEqual(
      summary.errors.map((e) => [e.input, (e.error as Error).message]),
      [['x', "not a number: 'x'"]],
    );
    assert.equal(await pool.submit(50), 100);
    await pool.close();
    assert.ok(pids.size >= 1);
    for (const pid of pids) assert.equal(pidAlive(pid), false, `pid ${pid} is gone`);
  });

  test('node started as a plain command (spawn with an ipc slot, JSON serialization)', async () => {
    const worker = track(doubler({ command: process.execPath, args: [DOUBLE_CHILD] }));
    await worker.init?.();
    assert.equal(await worker.execute(11, { taskId: 1 }), 22);
    await assert.rejects(Promise.resolve(worker.execute('y', { taskId: 2 })), /not a number: y/);
    await worker.destroy();
    assert.equal(pidAlive(worker.pid!), false);
  });
});
