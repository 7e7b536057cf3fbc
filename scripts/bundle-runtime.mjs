#!/usr/bin/env node
// After `tsc`: replaces dist/worker/runtime/main.js (the file every thread and process worker
// starts) with one bundled module. A worker then loads one file instead of ~20, which starts it
// sooner and keeps its idle memory close to a bare worker_threads Worker (see bench: idle RSS).
// The CBOR serializer stays a separate chunk, loaded only by pools that use it; packages
// (cbor-x, tsx) are left as imports.
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
