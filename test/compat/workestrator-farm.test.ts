/** A Workestrator user's tests, written from its README and behaviour, run against workforcejs/compat. */
import { AssertionError } from 'node:assert';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CallMaxRetryError, InvalidOptionError, QueueFullError, WorkerCrashError } from 'workforcejs';
import { create, type FarmMessage, kill, MaxConcurrentCallsError, serializers, WorkerTerminatedError } from 'workforcejs/compat';
import { eventually, fixture, pidAlive } from '../helpers.js';

const module = fixture('workestrator-user.cjs');
const dir = mkdtempSync(join(tmpdir(), 'workestrator-'));
after(async () => {
  await kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('Workestrator create() validation', () => {
  const refused: [string, Record<string, unknown> | unknown][] = [
    ['options not an object', 'nope'],
    ['options null', null],
    ['module missing', { module: join(dir, 'nope.js') }],
    ['module a directory', { module: dirname(module) }],
    ['module not given', {}],
    ...['numberOfWorkers', 'maxConcurrentCalls', 'maxConcurrentCallsPerWorker', 'ttl', 'timeout', 'killTimeout', 'maxIdleTime'].flatMap(
      (name): [string, Record<string, unknown>][] => [
        [`${name} 0`, { module, [name]: 0 }],
        [`${name} -1`, { module, [name]: -1 }],
        [`${name} a string`, { module, [name]: '2' }],
      ],
    ),
    ['maxRetries -1', { module, maxRetries: -1 }],
    ['serializerPath a directory', { module, serializerPath: dir }],
    ['serializerPath missing', { module, serializerPath: join(dir, 'nope.js') }],
    ['serializerPath []', { module, serializerPath: [] }],
    ['serializerPath {}', { module, serializerPath: {} }],
    ["serializerPath ''", { module, serializerPath: '' }],
  ];
  for (const [what, options] of refused) {
    it(`refuses ${what} with an AssertionError, at once`, () => {
      assert.throws(
        () => create(options as never),
        (e: unknown) => {
          assert.ok(e instanceof AssertionError, `an AssertionError: ${e}`);
          assert.equal((e as AssertionError).code, 'ERR_ASSERTION');
          assert.equal((e as { workforceCode?: string }).workforceCode, 'ERR_WORKFORCE_INVALID_OPTION');
          if (options !== null && typeof options === 'object' && 'module' in options && Object.keys(options).length === 2) {
            const [name] = Object.keys(options).filter((k) => k !== 'module');
            assert.equal((e as { option?: string }).option, name);
            assert.deepEqual((e as { value?: unknown }).value, (options as Record<string, unknown>)[name]);
          }
          return true;
        },
      );
    });
  }

  it('accepts maxRetries 0, Infinity limits and both serializers', async () => {
    const farm = create({ module, numberOfWorkers: 1, maxRetries: 0, ttl: Infinity, timeout: Infinity, serializerPath: serializers.CBOR });
    assert.equal(await farm.run(1, 2, 3), 6);
    await farm.kill();
  });
});

describe('Workestrator serializers', () => {
  it('serializerPath CBOR is honoured: a Date arrives as a Date', async () => {
    const farm = create({ module, numberOfWorkers: 1, serializerPath: serializers.CBOR });
    try {
      const back = await farm.runMethod('echo', new Date(0));
      assert.ok(back instanceof Date, `a Date, got ${typeof back}`);
      assert.equal((back as Date).getTime(), 0);
    } finally {
      await farm.kill();
    }
  });

  it('the default (JSON) turns a Date into its string', async () => {
    const farm = create({ module, numberOfWorkers: 1 });
    try {
      assert.equal(await farm.runMethod('echo', new Date(0)), '1970-01-01T00:00:00.000Z');
    } finally {
      await farm.kill();
    }
  });

  it('a custom serializer path is used on both sides', async () => {
    const farm = create({ module, numberOfWorkers: 1, serializerPath: fixture('ser-custom.mjs') });
    try {
      assert.equal(farm.options.serializerPath, fixture('ser-custom.mjs'));
      assert.equal(await farm.run(1, 2, 3), 6);
    } finally {
      await farm.kill();
    }
  });
});

describe('Workestrator errors', () => {
  it('past maxConcurrentCalls: MaxConcurrentCallsError by name, still a QueueFullError', async () => {
    const farm = create({ module, numberOfWorkers: 1, maxConcurrentCalls: 1 });
    try {
      const running = farm.runMethod('wait', 50);
      const error = await farm.runMethod('wait', 1).catch((e: unknown) => e);
      assert.ok(error instanceof MaxConcurrentCallsError);
      assert.ok(error instanceof QueueFullError);
      assert.equal((error as Error).name, 'MaxConcurrentCallsError');
      assert.equal((error as QueueFullError).code, 'ERR_WORKFORCE_QUEUE_FULL');
      assert.ok(new QueueFullError(1) instanceof MaxConcurrentCallsError, 'an engine QueueFullError passes too');
      await running;
    } finally {
      await farm.kill();
    }
  });

  it("a killed worker's call: WorkerTerminatedError by name, still a WorkerCrashError", async () => {
    const farm = create({ module, numberOfWorkers: 1, maxRetries: 0 });
    try {
      const call = farm.runMethod('wait', 60_000);
      await eventually(() => farm.workers[0]?.pendingCalls === 1);
      farm.workers[0].kill('SIGKILL');
      const error = await call.catch((e: unknown) => e);
      assert.ok(error instanceof WorkerTerminatedError);
      assert.ok(error instanceof WorkerCrashError);
      assert.equal((error as Error).name, 'WorkerTerminatedError');
      assert.equal((error as WorkerCrashError).signal, 'SIGKILL');
    } finally {
      await farm.kill();
    }
  });

  it('every failed call is retried up to maxRetries, then CallMaxRetryError with the last error as reason', async () => {
    const farm = create({ module, numberOfWorkers: 1, maxRetries: 2 });
    try {
      const file = join(dir, 'flaky-1');
      const error = await farm.runMethod('flaky', file, 100).catch((e: unknown) => e);
      assert.ok(error instanceof CallMaxRetryError, `${error}`);
      assert.equal((error as CallMaxRetryError).attempts, 3);
      assert.match(((error as CallMaxRetryError).reason as Error).message, /attempt 3 failed/);
      assert.equal(await farm.runMethod('flaky', join(dir, 'flaky-2'), 3), 3, 'a thrown error retried, the third attempt succeeds');
    } finally {
      await farm.kill();
    }
  });

  it('a timed-out call is retried as Workestrator did (createPool does not by default)', async () => {
    const farm = create({ module, numberOfWorkers: 1, maxRetries: 1, timeout: 200, cancelGracePeriod: 50 });
    try {
      const error = await farm.runMethod('wait', 5000).catch((e: unknown) => e);
      assert.ok(error instanceof CallMaxRetryError, `${error}`);
      assert.equal((error as CallMaxRetryError).attempts, 2);
      assert.equal(((error as CallMaxRetryError).reason as Error).name, 'TimeoutError');
    } finally {
      await farm.kill();
    }
  });

  it('maxRetries 0: the error itself; retryOnError: false keeps workforce rule', async () => {
    const farm = create({ module, numberOfWorkers: 1, maxRetries: 0 });
    const strict = create({ module, numberOfWorkers: 1, retryOnError: false });
    try {
      await assert.rejects(farm.runMethod('fail', 'boom'), { name: 'TypeError', message: 'boom' });
      await assert.rejects(strict.runMethod('flaky', join(dir, 'flaky-3'), 2), { message: 'attempt 1 failed' });
    } finally {
      await Promise.all([farm.kill(), strict.kill()]);
    }
  });
});

describe('Workestrator farm and workers', () => {
  it('farm.workers lists numberOfWorkers workers right after create(), each an EventEmitter', async () => {
    const forks: [unknown, number][] = [];
    const farm = create({ module, numberOfWorkers: 2 });
    farm.on('fork', (worker, pid) => forks.push([worker, pid]));
    try {
      assert.equal(farm.workers.length, 2);
      assert.equal(farm.killed, false);
      for (const worker of farm.workers) {
        assert.ok(worker instanceof EventEmitter);
        assert.equal(worker.killed, false);
        assert.equal(worker.pendingCalls, 0);
      }
      await eventually(() => forks.length === 2, 60_000);
      assert.deepEqual(new Set(forks.map(([w]) => w)), new Set(farm.workers));
      for (const worker of farm.workers) {
        assert.equal(typeof (worker.process as ChildProcess).pid, 'number');
        assert.ok(forks.some(([w, pid]) => w === worker && pid === worker.process?.pid));
        assert.equal(worker.isAvailable(), true);
      }
    } finally {
      await farm.kill();
    }
    assert.equal(farm.killed, true);
  });

  it('farm.options are the merged options', async () => {
    const farm = create({ module, numberOfWorkers: 1, maxRetries: 1 });
    try {
      assert.equal(farm.options.module, module);
      assert.equal(farm.options.maxRetries, 1);
      assert.equal(farm.options.killTimeout, 500);
      assert.equal(farm.options.maxConcurrentCallsPerWorker, 10);
      assert.equal(farm.options.serializerPath, serializers.JSON);
      assert.equal(farm.options.ttl, Infinity);
    } finally {
      await farm.kill();
    }
  });

  it('queue and pendingCalls list the calls in flight; pendingCalls of a worker counts its calls; isAvailable follows maxConcurrentCallsPerWorker', async () => {
    const farm = create({ module, numberOfWorkers: 1, maxConcurrentCallsPerWorker: 2 });
    try {
      const calls = [farm.runMethod('wait', 300), farm.runMethod('wait', 300), farm.runMethod('wait', 1)];
      assert.equal(farm.queue.length + farm.pendingCalls.length, 3);
      await eventually(() => farm.pendingCalls.length === 2);
      assert.equal(farm.queue.length, 1);
      assert.deepEqual(farm.queue[0].args, [1]);
      const [worker] = farm.workers;
      await eventually(() => worker.pendingCalls === 2);
      assert.equal(worker.isAvailable(), false);
      await Promise.all(calls);
      assert.equal(farm.queue.length + farm.pendingCalls.length, 0);
      assert.equal(worker.isAvailable(), true);
    } finally {
      await farm.kill();
    }
  });

  it('worker.kill() sends SIGINT, the worker exits, the farm replaces it and retries its call', async () => {
    const farm = create({ module, numberOfWorkers: 1 });
    const exits: unknown[][] = [];
    farm.on('exit', (...args) => exits.push(args));
    try {
      const [worker] = farm.workers;
      const call = farm.runMethod('wait', 200);
      await eventually(() => worker.pendingCalls === 1);
      const pid = worker.process?.pid as number;
      const workerExit = new Promise((resolve) => worker.once('exit', (_code, signal) => resolve(signal)));
      worker.kill();
      assert.equal(await workerExit, 'SIGINT');
      assert.equal(worker.killed, true);
      assert.equal(worker.isAvailable(), false);
      assert.equal(pidAlive(pid), false);
      assert.equal(await call, 200, 'retried on the new worker');
      assert.deepEqual(exits[0].slice(0, 3), [worker, null, 'SIGINT']);
      await eventually(() => farm.workers.length === 1 && farm.workers[0] !== worker);
    } finally {
      await farm.kill();
    }
  });

  it('worker.kill(signal) escalates to SIGKILL after killTimeout when the signal is ignored', async () => {
    const farm = create({ module: fixture('workestrator-stubborn.cjs'), numberOfWorkers: 1, killTimeout: 100 });
    try {
      assert.equal(await farm.runMethod('ready'), true);
      const [worker] = farm.workers;
      const exit = new Promise((resolve) => worker.once('exit', (_code, signal) => resolve(signal)));
      worker.kill('SIGTERM');
      assert.equal(await exit, 'SIGKILL');
    } finally {
      await farm.kill();
    }
  });

  it("'message' (worker, { callId, res, workerId }) for every result, { callId, err } for every failure", async () => {
    const farm = create({ module, numberOfWorkers: 1, maxRetries: 0 });
    const messages: [unknown, FarmMessage][] = [];
    farm.on('message', (worker, data) => messages.push([worker, data]));
    try {
      await farm.run(1, 2, 3);
      await farm.runMethod('fail', 'nope').catch(() => {});
      const [worker] = farm.workers;
      assert.equal(messages.length, 2);
      assert.equal(messages[0][0], worker);
      assert.equal(messages[0][1].res, 6);
      assert.equal(messages[0][1].workerId, worker.id);
      assert.equal(typeof messages[0][1].callId, 'number');
      assert.ok(messages[1][1].err instanceof TypeError);
      assert.notEqual(messages[0][1].callId, messages[1][1].callId);
    } finally {
      await farm.kill();
    }
  });

  it("'idle' comes maxIdleTime after the last call: the idle timer is reset by each call", async () => {
    const farm = create({ module, numberOfWorkers: 1, maxIdleTime: 300 });
    try {
      let lastEnd = 0;
      let idleAt = 0;
      farm.on('idle', () => {
        idleAt = performance.now();
      });
      for (let i = 0; i < 4; i++) {
        await farm.runMethod('wait', 100);
        lastEnd = performance.now();
        if (idleAt) break;
      }
      await eventually(() => idleAt > 0);
      assert.ok(idleAt - lastEnd >= 250, `idle ${idleAt - lastEnd} ms after the last call`);
    } finally {
      await farm.kill();
    }
  });

  it('createWorkers() and removeCallFromPending() / receive() as the seed had them', async (t) => {
    const farm = create({ module, numberOfWorkers: 1 });
    const errors = t.mock.method(console, 'error', () => {});
    try {
      farm.createWorkers();
      assert.equal(farm.workers.length, 1);
      const call = farm.runMethod('wait', 60_000);
      const [entry] = [...farm.queue, ...farm.pendingCalls];
      farm.receive({ callId: entry.id, res: 'early' });
      assert.equal(await call, 'early');
      farm.receive({ callId: 12345, res: 1 });
      assert.match(String(errors.mock.calls[0].arguments[0]), /unknown call/);
      const other = farm.runMethod('wait', 1);
      const [next] = [...farm.queue, ...farm.pendingCalls].filter((c) => c.args[0] === 1);
      assert.equal(farm.removeCallFromPending(next.id)?.id, next.id);
      assert.equal(farm.removeCallFromPending(next.id), undefined);
      assert.match(String(errors.mock.calls[1].arguments[0]), /already removed/);
      assert.equal(await other, 1);
    } finally {
      await farm.kill();
    }
    farm.createWorkers();
    assert.equal(farm.workers.length, 0, 'a killed farm makes no workers');
  });

  it("a throwing 'exit' listener breaks neither kill() nor later kill()s", async () => {
    const farm = create({ module, numberOfWorkers: 2 });
    const reported: unknown[] = [];
    farm.on('exit', () => {
      throw new Error('listener bug');
    });
    farm.on('error', (_worker, error) => reported.push(error));
    assert.equal(await farm.run(1, 2, 3), 6);
    await farm.kill();
    const other = create({ module, numberOfWorkers: 1 });
    other.on('exit', () => {
      throw new Error('listener bug');
    });
    assert.equal(await other.run(1, 1, 1), 3);
    await kill();
    await other.kill();
    assert.ok(reported.length >= 1 && reported.every((e) => (e as Error).message === 'listener bug'));
  });

  it('a throwing listener on any farm or worker event breaks nothing: calls settle, workers are replaced, kill() settles', async () => {
    const events = ['fork', 'online', 'message', 'exit', 'close', 'disconnect', 'ttl', 'idle', 'error'] as const;
    const heard = new Set<string>();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    // ttl 2: the second call recycles the worker (ttl, exit, close, disconnect, then fork and online of the next), which idles after the third
    const farm = create({ module, numberOfWorkers: 1, ttl: 2, maxIdleTime: 200 });
    for (const event of events)
      farm.on(event, () => {
        heard.add(event);
        throw new Error(`listener of ${event}`);
      });
    const [first] = farm.workers;
    first.on('exit', () => {
      throw new Error('worker listener of exit');
    });
    try {
      for (let i = 0; i < 3; i++) assert.equal(await farm.run(i, 1, 1), i + 2);
      await eventually(() => heard.has('idle') && heard.has('exit') && heard.has('close'), 30_000);
      assert.equal(await farm.run(1, 1, 1), 3, 'still serving');
    } finally {
      await farm.kill();
      await kill();
      process.off('warning', onWarning);
    }
    for (const event of ['fork', 'online', 'message', 'exit', 'ttl', 'idle']) assert.ok(heard.has(event), `heard ${event}`);
    assert.ok(
      warnings.some((w) => w.includes('listener of')),
      'a throwing listener is reported',
    );
  });

  it('InvalidOptionError of the engine still refuses what Workestrator let through', () => {
    assert.throws(() => create({ module, numberOfWorkers: 1, runtime: 'nope' as never }), InvalidOptionError);
  });
});
