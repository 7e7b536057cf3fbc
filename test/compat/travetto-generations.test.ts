/** travetto's worker module, each generation as its users wrote it: v0's names, v1's InputSource, 4.x/5.x's static runs and spawnedWorker. */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { describe, it } from 'node:test';
import type { PoolWorker as Worker } from 'workforcejs';
import {
  ChildExecution,
  DynamicAsyncIterator,
  ExecutionPool,
  IterableInputSource,
  IteratorExecutionSource,
  ParentChannel,
  spawnedWorker,
  WorkPool,
  WorkPoolResultError,
} from 'workforcejs/compat';
import { fixture, pidAlive } from '../helpers.js';

/** A v1 worker doubling its input (active: alive). */
function doubler(): Worker<number, number> {
  return { id: 0, active: true, execute: async (n: number) => n * 2, destroy: () => {} };
}

async function drain<T>(source: IterableInputSource<T>): Promise<T[]> {
  const out: T[] = [];
  while (await source.hasNext()) out.push(await source.next());
  return out;
}

describe('travetto v1 InputSource', () => {
  it('IterableInputSource.hasNext()/next() over arrays, iterators, generators, async generators and event sources', async () => {
    assert.deepEqual(await drain(new IterableInputSource([1, 2, 3])), [1, 2, 3]);
    assert.deepEqual(await drain(new IterableInputSource(new Set([4, 5]).values())), [4, 5]);
    assert.deepEqual(
      await drain(
        new IterableInputSource(function* () {
          yield 6;
          yield 7;
        }),
      ),
      [6, 7],
    );
    assert.deepEqual(
      await drain(
        new IterableInputSource(
          (async function* () {
            yield 8;
          })(),
        ),
      ),
      [8],
    );
    const events = new DynamicAsyncIterator<number>();
    const source = new IterableInputSource(events);
    const first = source.hasNext();
    events.add([9, 10]);
    assert.equal(await first, true, 'hasNext() waits for the event source');
    assert.equal(await source.next(), 9);
    events.close();
    assert.deepEqual(await drain(source), [10]);
    await assert.rejects(source.next(), RangeError);
  });

  it('hasNext() may be asked many times without losing an item', async () => {
    const source = new IterableInputSource([1, 2]);
    assert.equal(await source.hasNext(), true);
    assert.equal(await source.hasNext(), true);
    assert.equal(await source.next(), 1);
    assert.deepEqual(await drain(source), [2]);
  });

  it('process() takes a hand-written v1 source ({ hasNext, next })', async () => {
    const items = [1, 2, 3];
    const source = { hasNext: () => items.length > 0, next: async () => items.shift() as number };
    const pool = new WorkPool<number, number>(doubler, { max: 2 });
    const out: number[] = [];
    pool.on('item', (_input, output) => out.push(output as number));
    try {
      const summary = await pool.process(source);
      assert.deepEqual(summary, { completed: 3, failed: 0, errors: [], stopped: false });
      assert.deepEqual(out.sort(), [2, 4, 6]);
    } finally {
      await pool.shutdown();
    }
  });

  it('process() resolves with the failures ({ failed, errors }) rather than rethrowing the first (the documented difference)', async () => {
    const pool = new WorkPool<number, number>(() => ({
      id: 0,
      active: true,
      execute: async (n: number) => {
        if (n === 2) throw new Error('two');
        return n;
      },
      destroy: () => {},
    }));
    try {
      const summary = await pool.process(new IterableInputSource([1, 2, 3]));
      assert.equal(summary.completed, 2);
      assert.equal(summary.failed, 1);
      assert.equal((summary.errors[0].error as Error).message, 'two');
    } finally {
      await pool.shutdown();
    }
  });
});

describe('travetto 4.x/5.x static runs', () => {
  it('WorkPool.run(factory, source, { max, onComplete }) runs every input with its index on at most max workers', async () => {
    const made: number[] = [];
    let running = 0;
    let peak = 0;
    const done: [number, number, number][] = [];
    await WorkPool.run(
      () => {
        made.push(made.length);
        return {
          async execute(input: number, idx: number) {
            running++;
            peak = Math.max(peak, running);
            await new Promise((resolve) => setTimeout(resolve, 5));
            running--;
            return input * 10 + idx;
          },
        };
      },
      [1, 2, 3, 4, 5, 6],
      { max: 2, onComplete: (output, input, finishIdx) => done.push([output, input, finishIdx]) },
    );
    assert.ok(peak <= 2 && peak >= 1, `peak ${peak}`);
    assert.ok(made.length <= 2);
    assert.deepEqual(
      done.map(([output]) => output).sort((a, b) => a - b),
      [11, 22, 33, 44, 55, 66],
    );
    assert.deepEqual(
      done.map(([, , finishIdx]) => finishIdx),
      [1, 2, 3, 4, 5, 6],
    );
  });

  it('WorkPool.run(execute, source): an execute function is its own worker', async () => {
    const seen: number[] = [];
    await WorkPool.run(async (input: number) => seen.push(input), new Set([1, 2, 3]), { max: 1 });
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('failed inputs reach onError and the run rejects with WorkPoolResultError listing every error', async () => {
    const failed: number[] = [];
    const error = await WorkPool.run(
      async (input: number) => {
        if (input % 2 === 0) throw new Error(`even ${input}`);
        return input;
      },
      [1, 2, 3, 4],
      { max: 1, onError: (_e, input) => failed.push(input) },
    ).catch((e: unknown) => e);
    assert.ok(error instanceof WorkPoolResultError, String(error));
    assert.deepEqual(
      (error as WorkPoolResultError).errors.map((e) => (e as Error).message),
      ['even 2', 'even 4'],
    );
    assert.deepEqual(failed, [2, 4]);
    assert.equal((error as WorkPoolResultError).code, 'ERR_WORKFORCE_WORK_POOL_RESULT');
  });

  it('a factory worker is initialised once, released after each call, destroyed at the end; active = false replaces it', async () => {
    const log: string[] = [];
    let n = 0;
    await WorkPool.run(
      () => {
        const id = ++n;
        const worker = {
          id,
          active: true,
          init: async () => log.push(`init ${id}`),
          execute: async (input: string) => {
            log.push(`${input}@${id}`);
            if (input === 'b') worker.active = false;
          },
          release: () => log.push(`release ${id}`),
          destroy: async () => log.push(`destroy ${id}`),
        };
        return worker;
      },
      ['a', 'b', 'c'],
      { max: 1 },
    );
    assert.deepEqual(log, ['init 1', 'a@1', 'release 1', 'b@1', 'destroy 1', 'init 2', 'c@2', 'release 2', 'destroy 2']);
  });

  it('runStream yields every output; runStreamProgress with { idx, value, total }', async () => {
    const outputs: number[] = [];
    for await (const value of WorkPool.runStream(async (n: number) => n * 2, [1, 2, 3], { max: 2 })) outputs.push(value);
    assert.deepEqual(outputs.sort(), [2, 4, 6]);
    const progress: { idx: number; value: number; total: number }[] = [];
    for await (const p of WorkPool.runStreamProgress(async (n: number) => n + 1, [1, 2, 3], 3, { max: 1 })) progress.push(p);
    assert.deepEqual(progress, [
      { idx: 1, value: 2, total: 3 },
      { idx: 2, value: 3, total: 3 },
      { idx: 3, value: 4, total: 3 },
    ]);
  });

  it('the shutdown signal stops pulling inputs', async () => {
    const controller = new AbortController();
    const source = new DynamicAsyncIterator<number>();
    const seen: number[] = [];
    const running = WorkPool.run(
      async (n: number) => {
        seen.push(n);
        if (n === 2) controller.abort();
      },
      source,
      { max: 1, shutdown: controller.signal },
    );
    source.add([1, 2]);
    await running;
    source.add(3);
    assert.deepEqual(seen, [1, 2]);
  });

  it("spawnedWorker's 4.x signature (spawn, init, execute) in a static run", async () => {
    const pids: number[] = [];
    const answers: number[] = [];
    await WorkPool.run(
      () =>
        spawnedWorker<number, number>(
          () => fork(fixture('travetto-child.mjs')),
          (channel) => channel.listenOnce('ready'),
          async (channel, input) => {
            const response = channel.listenOnce('response');
            channel.send('request', { data: input });
            const { data, pid } = await response;
            pids.push(pid);
            return data;
          },
        ),
      [1, 2, 3],
      { max: 1, onComplete: (output) => answers.push(output) },
    );
    assert.deepEqual(answers, [2, 4, 6]);
    assert.equal(new Set(pids).size, 1, 'one child served every input');
    for (const pid of pids) assert.equal(pidAlive(pid), false, 'destroyed at the end of the run');
  });
});

describe('travetto v0 names', () => {
  it('IteratorExecutionSource feeds an ExecutionPool', async () => {
    const pool = new ExecutionPool(async () => ({ active: false, name: 'executor' }));
    const seen: string[] = [];
    try {
      const summary = await pool.process(
        new IteratorExecutionSource(
          (function* () {
            yield 'x';
            yield 'y';
          })(),
        ),
        async (input: string, executor) => {
          seen.push(`${input}:${executor.name}`);
        },
      );
      assert.equal(summary.completed, 2);
      assert.deepEqual(seen.sort(), ['x:executor', 'y:executor']);
    } finally {
      await pool.shutdown();
    }
  });

  it('ChildExecution is the parent end of a child process channel', () => {
    assert.equal(ChildExecution, ParentChannel);
  });
});

describe('travetto 4.x static run: bad input', () => {
  it('an unknown option, a non-function factory or a wrong shutdown is refused with InvalidOptionError', async () => {
    const { InvalidOptionError } = await import('workforcejs');
    await assert.rejects(
      WorkPool.run(async (n: number) => n, [1], { maxx: 2 } as never),
      (e: unknown) => e instanceof InvalidOptionError && e.suggestion === 'max',
    );
    await assert.rejects(WorkPool.run(5 as never, [1]), InvalidOptionError);
    await assert.rejects(
      WorkPool.run(async (n: number) => n, [1], { shutdown: true as never }),
      InvalidOptionError,
    );
  });

  it("WorkPoolResultError's cause is the first error", async () => {
    const error = (await WorkPool.run(
      async (n: number) => {
        throw new Error(n === 1 ? 'first' : 'second');
      },
      [1, 2],
      { max: 1 },
    ).catch((e: unknown) => e)) as WorkPoolResultError;
    assert.equal((error.cause as Error).message, 'first');
  });
});
