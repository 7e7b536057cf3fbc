// The public entry points as a user gets them (the built package, through its "exports"): the root
// has one name per concept and no seed alias; the seeds' names live in 'workforcejs/compat'.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every name the root entry may export: values, then types. A new name is added here on purpose. */
const ROOT_VALUES = [
  'AsyncQueue',
  'CallMaxRetryError',
  'CborSerializer',
  'ChannelClosedError',
  'ChildChannel',
  'InvalidOptionError',
  'JsonSerializer',
  'MAX_WORKERS',
  'MethodNotFoundError',
  'MissingDependencyError',
  'ModuleLoadError',
  'ParentChannel',
  'PoolClosedError',
  'PoolEvents',
  'QueueFullError',
  'SerializationError',
  'Serializer',
  'StartTimeoutError',
  'StructuredSerializer',
  'TaskAbortedError',
  'TimeoutError',
  'WorkPool',
  'WorkerCrashError',
  'WorkforceError',
  'createPool',
  'killAll',
  'spawnedWorker',
];

/** The seeds' names (Workestrator, probedjs, travetto): none may be a root export, value or type. */
const SEED_NAMES = [
  'create',
  'kill',
  'serializers',
  'MaxConcurrentCallsError',
  'WorkerExitError',
  'WorkerTerminatedError',
  'WorkerPool',
  'WorkerPoolOptions',
  'ExecutionPool',
  'ExecutionJob',
  'ExecutionFunction',
  'QueueExecutionSource',
  'DataExecutionSource',
  'DynamicAsyncIterator',
  'IterableInputSource',
  'WorkUtil',
  'ParentCommChannel',
  'ChildCommChannel',
];

/** Names the built .d.ts of an entry exports (values and types). */
function declaredExports(dts: string): string[] {
  const program = ts.createProgram([dts], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dts);
  assert.ok(source, `${dts} is built`);
  const symbol = checker.getSymbolAtLocation(source);
  assert.ok(symbol);
  return checker.getExportsOfModule(symbol).map((s) => s.name);
}

describe("the root entry ('workforcejs')", () => {
  it('exports exactly the allowed values', async () => {
    const mod = await import('workforcejs');
    assert.deepEqual(Object.keys(mod).sort(), [...ROOT_VALUES].sort());
  });

  it('never exports one value under two names (an alias)', async () => {
    const mod: Record<string, unknown> = await import('workforcejs');
    const byValue = new Map<unknown, string>();
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) continue;
      assert.equal(byValue.get(value), undefined, `${name} is another name of ${byValue.get(value)}`);
      byValue.set(value, name);
    }
  });

  it('has no seed name among its values or types', () => {
    const names = declaredExports(join(root, 'dist/index.d.ts'));
    for (const value of ROOT_VALUES) assert.ok(names.includes(value), `${value} is declared`);
    for (const seed of SEED_NAMES) assert.ok(!names.includes(seed), `${seed} belongs in workforcejs/compat`);
    // one name per concept among the types too: the engine's options are WorkPool's
    assert.ok(!names.includes('EngineOptions'), 'EngineOptions is WorkPoolOptions');
  });
});

describe("the compat entry ('workforcejs/compat')", () => {
  it('has every seed name, and its error names are subclasses of the root classes (instanceof works either way)', async () => {
    const compat: Record<string, unknown> = await import('workforcejs/compat');
    const core = await import('workforcejs');
    for (const name of [
      'create',
      'kill',
      'serializers',
      'WorkerPool',
      'ExecutionPool',
      'QueueExecutionSource',
      'DynamicAsyncIterator',
      'IterableInputSource',
      'WorkUtil',
    ]) {
      assert.ok(compat[name] !== undefined, `${name} is exported`);
    }
    // seed-named subclasses: a root error passes instanceof the seed name, a seed-named one instanceof the root class
    const pairs: [string, new (...args: any[]) => Error, Error][] = [
      ['MaxConcurrentCallsError', core.QueueFullError, new core.QueueFullError(1)],
      ['WorkerExitError', core.WorkerCrashError, new core.WorkerCrashError('x')],
      ['WorkerTerminatedError', core.WorkerCrashError, new core.WorkerCrashError('x')],
    ];
    for (const [name, Root, rootError] of pairs) {
      const Seed = compat[name] as new (...args: any[]) => Error;
      assert.ok(Seed.prototype instanceof Root, `${name} extends ${Root.name}`);
      assert.ok(rootError instanceof Seed, `a ${Root.name} is instanceof ${name}`);
    }
    assert.equal(typeof compat.kill, 'function');
    const types = declaredExports(join(root, 'dist/compat/index.d.ts'));
    for (const name of ['WorkPoolOptions', 'WorkerPoolOptions', 'WorkestratorOptions', 'ExecutionJob', 'DataExecutionSource'])
      assert.ok(types.includes(name), `${name} is declared`);
  });

  it('is a subclass where it keeps a core name (WorkPool, ParentChannel, ChildChannel)', async () => {
    const compat = await import('workforcejs/compat');
    const core = await import('workforcejs');
    assert.ok(compat.WorkPool.prototype instanceof core.WorkPool);
    assert.ok(compat.ParentChannel.prototype instanceof core.ParentChannel);
    assert.ok(compat.ChildChannel.prototype instanceof core.ChildChannel);
  });
});

describe("the worker entry ('workforcejs/worker') from CommonJS", () => {
  it('is generated at build from the same context code: workerContext, and the ESM ChildChannel class itself', async () => {
    const cjs = createRequire(import.meta.url)('workforcejs/worker');
    const esm = await import('workforcejs/worker');
    assert.equal(createRequire(import.meta.url).resolve('workforcejs/worker'), join(root, 'dist/worker.cjs'));
    assert.deepEqual(Object.keys(cjs).sort(), ['ChildChannel', 'workerContext']);
    // the same class as the ESM entry's (checked outside this runner, whose tsx hook loads CommonJS requires itself)
    const same = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { createRequire } from 'node:module'; const c = createRequire(import.meta.url)('workforcejs/worker'); console.log(c.ChildChannel === (await import('workforcejs/worker')).ChildChannel);",
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    assert.equal(same.trim(), 'true');
    assert.equal(typeof cjs.ChildChannel, typeof esm.ChildChannel);
    assert.deepEqual(Object.keys(cjs.workerContext).sort(), Object.keys(esm.workerContext).sort());
    assert.throws(() => cjs.workerContext.workerId, /only available inside a workforce worker/);
    assert.ok(!existsSync(join(root, 'worker.cjs')), 'no hand-written copy at the package root');
  });
});
