#!/usr/bin/env node
// After `tsc`: replaces dist/worker/runtime/main.js (the file every thread worker starts) with
// one bundled module, and writes its CommonJS twin main.cjs for process workers (below). A worker then loads one file instead of ~20, which starts it
// sooner and keeps its idle memory close to a bare worker_threads Worker (see bench: idle RSS).
// The CBOR serializer stays a separate chunk, loaded only by pools that use it; packages
// (cbor-x, tsx) are left as imports.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'src/worker/runtime/main.ts' },
  outdir: 'dist/worker/runtime',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: '[name]-[hash]',
  sourcemap: true,
  allowOverwrite: true,
  logLevel: 'warning',
});

// The same runtime as one CommonJS file, dist/worker/runtime/main.cjs, which process workers
// start: a CommonJS child never starts Node's ESM loader unless its worker module is ESM (the
// runtime requires CommonJS modules), ~1 MB less RSS per process (bench: idle RSS, processes).
// import.meta is ESM only: its url and resolve() come from the CommonJS equivalents.
await build({
  entryPoints: { main: 'src/worker/runtime/process-main.ts' },
  outExtension: { '.js': '.cjs' },
  outdir: 'dist/worker/runtime',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  define: { 'import.meta': '__importMeta' },
  banner: {
    js: [
      "'use strict';",
      // getters: computing the URL at load would cost every child a URL parse it rarely needs
      'const __importMeta = {',
      "  get url() { return require('node:url').pathToFileURL(__filename).href; },",
      "  resolve: (specifier) => require('node:url').pathToFileURL(require.resolve(specifier)).href,",
      '};',
    ].join('\n'),
  },
  sourcemap: true,
  allowOverwrite: true,
  logLevel: 'warning',
});

// The CommonJS entry of 'workforcejs/worker' (dist/worker.cjs), generated from the same context
// code as the ESM one: its workerContext reads the context the runtime keeps on a global symbol,
// so both speak for the same worker. ChildChannel stays in the ESM build, loaded on first use
// (require(esm), Node >= 20.19), so that both entries hand out the same class.
await build({
  stdin: { contents: "export { workerContext } from './worker/context.ts';", resolveDir: 'src', sourcefile: 'worker-cjs.ts', loader: 'ts' },
  outfile: 'dist/worker.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  banner: { js: "'use strict';\n// CommonJS entry of 'workforcejs/worker', generated at build by scripts/bundle-runtime.mjs from src/worker/context.ts." },
  footer: {
    js: "Object.defineProperty(module.exports, 'ChildChannel', { enumerable: true, get: () => require('./channel/child-channel.js').ChildChannel });",
  },
  allowOverwrite: true,
  logLevel: 'warning',
});

// The CommonJS entry's types (dist/worker.d.cts): the same declarations as the ESM entry's, read
// from it as ESM (resolution-mode 'import'), so that a CommonJS TypeScript consumer sees a
// CommonJS module (not the ESM entry's types masquerading as CommonJS, which attw reports).
writeFileSync(
  'dist/worker.d.cts',
  `// Types of the CommonJS entry of 'workforcejs/worker' (dist/worker.cjs), written by scripts/bundle-runtime.mjs.
import type * as esm from './worker-api.js' with { 'resolution-mode': 'import' };
import type { MessageMap } from './worker-api.js' with { 'resolution-mode': 'import' };
// every type of the ESM entry (its two values are declared below, which shadows them here)
export type * from './worker-api.js' with { 'resolution-mode': 'import' };
/** The context of the task this worker runs (see the ESM entry's workerContext). */
export declare const workerContext: esm.WorkerContext;
/** The worker's side of the channel to its pool (see the ESM entry's ChildChannel). */
export declare const ChildChannel: typeof esm.ChildChannel;
/** The worker's side of the channel to its pool (see the ESM entry's ChildChannel). */
export type ChildChannel<Out extends MessageMap = Record<string, any>, In extends MessageMap = Record<string, any>> = esm.ChildChannel<Out, In>;
`,
);

// tsc's own output of the modules that only the process runtime bundle (main.cjs, above) loads:
// nothing imports them from dist, so they are not shipped (test/api/pack.test.ts checks that every
// runtime module in the package is loaded by something).
for (const name of ['process-main', 'process-guard']) {
  for (const ext of ['.js', '.js.map', '.d.ts']) rmSync(`dist/worker/runtime/${name}${ext}`, { force: true });
}
