// examples/distributed: a producer and two consumers on a private redis-server; one consumer is
// SIGKILLed mid-run and every call is still answered, correctly, the rest by the other consumer.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { redisSkip } from '../remote/redis.js';

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL('../../examples/distributed/index.mjs', import.meta.url));

describe('examples/distributed', { skip: redisSkip() }, () => {
  it('kills one consumer mid-run and still answers every call', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', CALLS: '40' };
    delete env.REDIS_URL;
    const { stdout } = await run(process.execPath, [EXAMPLE], { env, timeout: 90_000 });
    assert.match(stdout, /^consumer A ready \(pid \d+\)$/m);
    assert.match(stdout, /^consumer B ready \(pid \d+\)$/m);
    assert.match(stdout, /^killed consumer A \(SIGKILL\) mid-run, after 10 of 40 answers$/m);
    const [, answered, byA, byB] = /^(\d+)\/40 calls answered: (\d+) by consumer A, (\d+) by consumer B$/m.exec(stdout) ?? [];
    assert.equal(Number(answered), 40);
    assert.equal(Number(byA) + Number(byB), 40);
    assert.ok(Number(byB) >= 30, 'B answered everything after A died');
    assert.match(stdout, /^every result is correct$/m);
    assert.match(stdout, /^consumer B drained and exited with code 0$/m);
  });
});
