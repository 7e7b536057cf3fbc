// The module pool under `runtime: 'process'` only: transfer lists are copied over IPC, fork.env,
// a process that exits mid-call, and no process left behind by a failed load. What every runtime
// does (with the pid checks of close() and kill()) is the contract/ folder (one file per concern, on every runtime).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { ModuleLoadError, type ModulePool, type PoolOptions, WorkerCrashError } from 'workforcejs';
import { fixture, pidAlive, tempDirs } from '../helpers.js';
import { modulePool } from './pools.js';

const tmp = tempDirs('workforce-process-');
const run = promisify(execFile);

/** A one-worker process pool of mp-esm.mjs (fork.execArgv []: no tsx loader in the children). */
function pool(options: Partial<PoolOptions> = {}): ModulePool {
  return modulePool('process', options);
}

/** What Node's 'advanced' IPC channel (V8's serializer) makes of a value: a Buffer stays a Buffer. */
const clone = (value: unknown) => deserialize(serialize(value));

describe('module pool (process): the IPC channel carries values exactly', () => {
  const values: [string, unknown][] = [
    ['JSON', { a: [1, 'two', { three: null }], b: true }],
    ['Map, Date, Buffer, typed array', { m: new Map([[1, { d: new Date(5) }]]), b: Buffer.from('bytes'), u: new Uint16Array([1, 2]) }],
    ['undefined, -0, NaN, Infinity in an array', [1, undefined, -0, Number.NaN, Number.POSITIVE_INFINITY]],
    ['undefined in an object', { a: undefined }],
    ['BigInt', 10n ** 30n],
    ['undefined', undefined],
    ['a string', 'text "quoted" \ud800 😀'],
  ];
  for (const [label, options, channel] of [
    ['the default channel', {}, 'advanced'],
    ['JSON channel', { fork: { execArgv: [], serialization: 'json' } }, 'json'],
    ["JSON channel, serializer 'json'", { serializer: 'json', fork: { execArgv: [], serialization: 'json' } }, 'json'],
    ["JSON channel, serializer 'cbor'", { serializer: 'cbor', fork: { execArgv: [], serialization: 'json' } }, 'json'],
  ] as [string, Partial<PoolOptions>, string][]) {
    it(`${label}: arguments, results and messages arrive as a structured clone would carry them`, async () => {
      const p = pool({ module: fixture('echo-values.mjs'), ...options });
      try {
        await p.runMethod('nothing');
        // the channel Node opened, as it told the child at its start (Linux: the process's initial environment)
        if (process.platform === 'linux') {
          const environ = readFileSync(`/proc/${p.workers[0].pid}/environ`, 'utf8').split('\0');
          assert.ok(environ.includes(`NODE_CHANNEL_SERIALIZATION_MODE=${channel}`), `a ${channel} channel`);
        }
        // the 'json' and 'cbor' serializers have their own semantics by choice: only JSON values are compared under them
        const exact = options.serializer === undefined;
        for (const [name, value] of values) {
          if (!exact && name !== 'JSON') continue;
          assert.deepEqual(await p.runMethod('echo', value), clone(value), name);
        }
        if (exact) {
          assert.ok(Buffer.isBuffer(((await p.runMethod('echo', { b: Buffer.from('x') })) as { b: unknown }).b), 'a Buffer stays a Buffer');
          const shared = { n: 1 };
          assert.equal(await p.runMethod('same', { a: shared, b: shared }), true, 'one object stays one object');
          assert.deepEqual(await p.runMethod('matchProps', /b/.exec('abc')), [1, 'abc', true], "a RegExp match keeps 'index' and 'input'");
        }
        // (the 'json' serializer answers null: JSON has no undefined)
        if (options.serializer !== 'json') assert.equal(await p.runMethod('nothing'), undefined, 'a call that returns nothing answers undefined, not null');
        const got: unknown[] = [];
        p.onMessage('echo', (content) => got.push(content));
        const content = exact ? { when: new Date(9), list: [1, undefined] } : { list: [1, 2] };
        await p.runMethod('post', content);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(got, [clone(content), undefined]);
        assert.equal(await p.runMethod('channelEnv'), 'unset', "the channel's marker is not left in the worker's environment");
      } finally {
        await p.close();
      }
    });
  }
});

describe('module pool (process): the parent is a `node -e` / `node -p` script', () => {
  for (const flag of ['-e', '-p']) {
    it(`node ${flag}: the workers start (they do not inherit the parent's ${flag} code and run it again)`, async () => {
      const code = `import('workforcejs').then(async ({ createPool }) => {
        const p = createPool({ module: ${JSON.stringify(fixture('echo-values.mjs'))}, runtime: 'process', numberOfWorkers: 1, startTimeout: 10000 });
        try { process.stdout.write('answer ' + (await p.runMethod('echo', 41)) + '\\n'); } finally { await p.close(); }
      })`;
      const { stdout } = await run(process.execPath, [flag, code], { cwd: fixture('../..'), timeout: 30_000 });
      assert.match(stdout, /^answer 41$/m);
    });
  }
});

describe('module pool (process): calls', () => {
  it('an ArrayBuffer in a transfer list still arrives intact (IPC copies it)', async () => {
    const p = pool();
    try {
      const buffer = new Uint8Array([1, 2, 3]).buffer;
      assert.deepEqual(await p.addTask({ kind: 'buffer', buffer }, { method: 'task', transfer: [buffer] }), { byteLength: 3, sum: 6 });
    } finally {
      await p.close();
    }
  });
});

describe('module pool (process): options', () => {
  it('fork.env sets the environment of process workers, and wins over the top-level env', async () => {
    const p = pool({ fork: { execArgv: [], env: { MP_PROC_ENV: 'forked' } } });
    const q = pool({ env: { MP_PROC_ENV: 'top-level' }, fork: { execArgv: [], env: { MP_PROC_ENV: 'forked' } } });
    try {
      assert.equal(await p.runMethod('env', 'MP_PROC_ENV'), 'forked');
      assert.equal(await p.runMethod('env', 'PATH'), undefined, 'only the given environment');
      assert.equal(await q.runMethod('env', 'MP_PROC_ENV'), 'forked');
    } finally {
      await Promise.all([p.close(), q.close()]);
    }
  });
});

describe('module pool (process): crashes and leaks', () => {
  it('a process that exits mid-call rejects the call with WorkerCrashError (maxRetries 0) and is replaced', async () => {
    const exiting = join(tmp(), 'exits.mjs');
    writeFileSync(exiting, 'export default () => process.exit(3);\nexport const pid = () => process.pid;\n');
    const q = pool({ module: exiting, maxRetries: 0 });
    try {
      const first = await q.runMethod<number>('pid');
      await assert.rejects(q.run(), (e: WorkerCrashError) => {
        assert.ok(e instanceof WorkerCrashError, `got ${e?.name}: ${e?.message}`);
        assert.equal(e.exitCode, 3);
        return true;
      });
      const second = await q.runMethod<number>('pid');
      assert.notEqual(second, first);
      assert.equal(pidAlive(first), false);
    } finally {
      await q.close();
    }
  });

  it('close() after a module load failure leaves no process behind', async () => {
    const dir = tmp();
    const throwing = join(dir, 'throws.mjs');
    const pidFile = join(dir, 'pid');
    writeFileSync(
      throwing,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nthrow new Error('load failure');\n`,
    );
    const p = pool({ module: throwing });
    try {
      await assert.rejects(p.run(), ModuleLoadError);
      await p.close();
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(pid > 0);
      assert.equal(pidAlive(pid), false, `pid ${pid} alive after close()`);
    } finally {
      await p.kill();
    }
  });
});
