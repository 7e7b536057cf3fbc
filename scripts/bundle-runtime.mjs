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
