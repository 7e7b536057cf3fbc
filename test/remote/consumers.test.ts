// Consumers as a whole: a broken module drains nothing, capacity bounds the jobs held, close()
// leaves nothing behind, bad usage exits 2, and `import 'workforcejs'` never loads bullmq. (Done when 8, 9, 12.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { createRemotePool } from 'workforcejs/bullmq';
import { workerCommand } from '../../src/cli/worker-command.js';
import { fixture, pidAlive, tempDirs } from '../helpers.js';
import { FAST, startConsumer } from './consumers.js';
import { type RedisServer, redisSkip, startRedis } from './redis.js';

const run = promisify(execFile);
const skip = redisSkip();
const tempDir = tempDirs('workforce-remote-consumers-');

describe('workforcejs/bullmq packaging', () => {
  it("import 'workforcejs' loads neither bullmq nor ioredis; 'workforcejs/bullmq' does load bullmq", async () => {
    const root = JSON.parse((await run(process.execPath, [fixture('import-watch.mjs'), 'workforcejs'])).stdout) as string[];
    assert.ok(!root.includes('bullmq') && !root.includes('ioredis'), `root loaded ${root}`);
    const both = JSON.parse((await run(process.execPath, [fixture('import-watch.mjs'), 'workforcejs', 'workforcejs/bullmq'])).stdout) as string[];
    assert.ok(both.includes('bullmq'));
  });

  it('bad usage exits 2', async () => {
    const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
    assert.equal(await workerCommand(['--queue', 'q'], quiet), 2, 'missing --redis/--module');
    assert.equal(await workerCommand(['--queue', 'q', '--redis', 'redis://127.0.0.1:1', '--module', fixture('remote-worker.mjs'), '--workers', 'x'], quiet), 2);
    assert.equal(await workerCommand(['--queue', 'q', '--redis', 'http://x', '--module', fixture('remote-worker.mjs')], quiet), 2, 'not a redis URL');
  });
});

describe('remote consumers', { skip, timeout: 90_000 }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });

  it('a consumer whose module cannot load exits 3 and fails no job; a healthy one completes them all', async () => {
    const remote = createRemotePool({ queue: 'broken', connection: redis.url });
    const queue = new Queue('broken', { connection: redis.connection });
    try {
      const calls = Array.from({ length: 6 }, (_, i) => remote.runMethod('add', i, 1));
      await queue.waitUntilReady();
      for (let i = 0; i < 100 && (await queue.getWaitingCount()) < 6; i++) await new Promise((r) => setTimeout(r, 20));
      const broken = startConsumer(redis.url, 'broken', [...FAST, '--workers', '2'], fixture('syntax-error.mjs'));
      assert.equal(await broken.exited, 3, broken.stderr());
      assert.match(broken.stderr(), /cannot load|ModuleLoadError|SyntaxError/i);
      // a module path that does not exist at all: the same (refused as the pool is made)
      const missing = startConsumer(redis.url, 'broken', [...FAST, '--workers', '2'], fixture('no-such-module.mjs'));
      assert.equal(await missing.exited, 3, missing.stderr());
      assert.match(missing.stderr(), /no-such-module\.mjs/);
      const counts = await queue.getJobCounts('waiting', 'failed', 'active', 'completed');
      assert.deepEqual(counts, { waiting: 6, failed: 0, active: 0, completed: 0 });
      const healthy = startConsumer(redis.url, 'broken', [...FAST, '--workers', '2']);
      assert.deepEqual(await Promise.all(calls), [1, 2, 3, 4, 5, 6]);
      healthy.child.kill('SIGTERM');
      assert.equal(await healthy.exited, 0);
    } finally {
      await remote.close({ force: true });
      await queue.close();
    }
  });

  it('a consumer whose module breaks after it took jobs hands them back and exits 3; another consumer completes them, none failed', async () => {
    const dir = tempDir();
    const file = join(dir, 'log');
    const flag = join(dir, 'broken');
    // process workers, so the test can kill them; the module fails to load once `flag` exists
    const breaking = startConsumer(
      redis.url,
      'late',
      [...FAST, '--workers', '2', '--runtime', 'process', '--max-retries', '3'],
      fixture('remote-late-break.mjs'),
      {
        WORKFORCE_TEST_BREAK: flag,
      },
    );
    const remote = createRemotePool({ queue: 'late', connection: redis.url });
    const queue = new Queue('late', { connection: redis.connection });
    try {
      await breaking.ready;
      // two jobs hold the consumer's two slots (a minute on their first run, 50 ms on any later one)
      const calls = Promise.all([0, 1].map((i) => remote.addTask<number>({ file, ms: 50, firstMs: 60_000, tag: `late${i}` }, { method: 'record' })));
      const starts = () => (existsSync(file) ? (readFileSync(file, 'utf8').match(/^start .*$/gm) ?? []) : []);
      while (starts().length < 2) await new Promise((r) => setTimeout(r, 20));
      const workerPids = starts().map((line) => Number(line.split(' ')[2]));
      // the module breaks, then its workers die: the pool cannot start new ones
      writeFileSync(flag, '');
      for (const pid of workerPids) process.kill(pid, 'SIGKILL');
      assert.equal(await breaking.exited, 3, breaking.stderr());
      assert.match(breaking.stderr(), /cannot load/i);
      assert.deepEqual(await queue.getJobCounts('waiting', 'failed', 'active', 'completed'), { waiting: 2, failed: 0, active: 0, completed: 0 });
      const healthy = startConsumer(redis.url, 'late', [...FAST, '--workers', '2']);
      assert.deepEqual(await calls, [healthy.pid, healthy.pid]);
      assert.deepEqual(await queue.getJobCounts('failed', 'completed'), { failed: 0, completed: 2 });
      healthy.child.kill('SIGTERM');
      assert.equal(await healthy.exited, 0);
    } finally {
      await remote.close({ force: true });
      await queue.close();
      breaking.child.kill('SIGKILL');
    }
  });

  it('an idle consumer whose module breaks exits 3 without waiting for a job', async () => {
    const flag = join(tempDir(), 'broken');
    const breaking = startConsumer(redis.url, 'late-idle', [...FAST, '--workers', '1', '--runtime', 'process'], fixture('remote-late-break.mjs'), {
      WORKFORCE_TEST_BREAK: flag,
    });
    const remote = createRemotePool({ queue: 'late-idle', connection: redis.url });
    try {
      await breaking.ready;
      const workerPid = await remote.runMethod<number>('pid');
      writeFileSync(flag, '');
      process.kill(workerPid, 'SIGKILL');
      const code = await Promise.race([breaking.exited, new Promise((r) => setTimeout(() => r('still running after 15 s'), 15_000))]);
      assert.equal(code, 3, breaking.stderr());
    } finally {
      await remote.close({ force: true });
      breaking.child.kill('SIGKILL');
    }
  });

  it('no consumer holds more jobs than its pool runs at once; the work spreads over consumers', async () => {
    const file = join(tempDir(), 'log');
    // BullMQ's own lock settings, not FAST: on a loaded machine a 1 s lock can lapse, and a job
    // whose lock lapsed still counts as active while its consumer takes another (seen at load 12)
    const a = startConsumer(redis.url, 'spread', ['--workers', '2']);
    const b = startConsumer(redis.url, 'spread', ['--workers', '2']);
    const remote = createRemotePool({ queue: 'spread', connection: redis.url });
    const queue = new Queue('spread', { connection: redis.connection });
    try {
      await Promise.all([a.ready, b.ready]);
      const calls = Promise.all(Array.from({ length: 16 }, (_, i) => remote.addTask({ file, ms: 300, tag: `s${i}` }, { method: 'record' })));
      let done = false;
      void calls.finally(() => (done = true));
      let maxActive = 0;
      while (!done) {
        maxActive = Math.max(maxActive, await queue.getActiveCount());
        await new Promise((r) => setTimeout(r, 25));
      }
      const pids = await calls;
      assert.ok(maxActive <= 4, `at most 2 consumers × capacity 2 active at once, saw ${maxActive}`);
      assert.ok(maxActive >= 2, 'jobs did run in parallel');
      assert.ok(pids.includes(a.pid) && pids.includes(b.pid), 'both consumers took jobs');
      // per consumer, never more than its capacity running at once
      const running = new Map<string, number>();
      for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
        const [what, , pid] = line.split(' ');
        const n = (running.get(pid) ?? 0) + (what === 'start' ? 1 : what === 'done' ? -1 : 0);
        running.set(pid, n);
        assert.ok(n <= 2, `consumer ${pid} ran ${n} at once`);
      }
    } finally {
      await remote.close({ force: true });
      await queue.close();
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  });

  it('close() on producer and consumer leaves no handle open and no process behind', async () => {
    const { stdout } = await run(process.execPath, [fixture('remote-lifecycle.mjs'), redis.url, fixture('remote-worker.mjs')], { timeout: 60_000 });
    const { open } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { open: string[] };
    assert.deepEqual(open, [], 'nothing left open after close()');
    // a consumer with process workers: after its drain, none of them is left
    const consumer = startConsumer(redis.url, 'life-cli', [...FAST, '--workers', '2', '--runtime', 'process']);
    const remote = createRemotePool({ queue: 'life-cli', connection: redis.url });
    try {
      await consumer.ready;
      const pids = new Set(await Promise.all(Array.from({ length: 6 }, () => remote.runMethod<number>('pid'))));
      assert.ok(pids.size >= 1 && !pids.has(consumer.pid));
      consumer.child.kill('SIGTERM');
      assert.equal(await consumer.exited, 0);
      for (const pid of pids) assert.ok(!pidAlive(pid), `worker process ${pid} is gone`);
    } finally {
      await remote.close({ force: true });
      consumer.child.kill('SIGKILL');
    }
  });
});
