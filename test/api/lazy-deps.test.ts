// `import 'workforcejs'` loads no optional-weight dependency: cbor-x only once a CBOR serializer is
// made (and bullmq / ioredis never from the root). Checked in a fresh node process that records
// every ESM specifier it resolves (a module.register hook) and every CommonJS module it loads.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HEAVY = ['cbor-x', 'cbor-extract', 'bullmq', 'ioredis', 'tsx', 'esbuild'];

/** What a fresh process loaded after importing `entry` (then running `after`, if given). */
function loaded(entry: string, after = ''): string[] {
  const script = `
    import { register, createRequire } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const seen = [];
    port1.on('message', (specifier) => seen.push(specifier));
    port1.unref();
    const hook = 'let port; export function initialize(data) { port = data.port; } ' +
      'export async function resolve(specifier, context, next) { port.postMessage(specifier); return next(specifier, context); }';
    register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
    const mod = await import(${JSON.stringify(entry)});
    ${after}
    await new Promise((resolve) => setTimeout(resolve, 50)); // the hook's last messages
    console.log(JSON.stringify([...seen, ...Object.keys(createRequire(import.meta.url).cache)]));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

const heavy = (names: string[]) =>
  names.filter((name) => HEAVY.some((dep) => name === dep || name.includes(`/node_modules/${dep}/`) || name.includes(`/node_modules/@${dep}/`)));

describe('lazy dependencies', () => {
  it("import 'workforcejs' loads none of cbor-x, bullmq, ioredis, tsx", () => {
    const names = loaded('workforcejs');
    assert.ok(
      names.some((name) => name.endsWith('pool/work-pool.js')),
      'the hook sees the package load',
    );
    assert.deepEqual(heavy(names), []);
  });

  it("import 'workforcejs/compat' and 'workforcejs/worker' load none of them either", () => {
    assert.deepEqual(heavy(loaded('workforcejs/compat')), []);
    assert.deepEqual(heavy(loaded('workforcejs/worker')), []);
  });

  it('cbor-x is loaded once a CBOR serializer is made (the check can see it)', () => {
    const names = loaded('workforcejs', 'new mod.CborSerializer().encode({ a: 1 });');
    assert.ok(
      heavy(names).some((name) => name === 'cbor-x' || name.includes('/node_modules/cbor-x/')),
      'cbor-x was loaded',
    );
  });
});
