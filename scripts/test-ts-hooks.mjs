// Module hooks of the test files' processes (registered by test-preload.mjs): a `.ts` file loads
// as the JavaScript scripts/run-tests.mjs compiled from it with esbuild before the run (the same
// transform tsx makes, without loading tsx and esbuild in each of ~120 test processes), under its
// own URL, so import.meta.url, fixture paths and stack traces (inline source maps) are the .ts
// file's. As with tsx, `./x.js` resolves to `./x.ts` when only the TypeScript file exists.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {{ root: string, cache: string }} */
let dirs;

/** @param {{ root: string, cache: string }} data */
export function initialize(data) {
  dirs = data;
}

const TS = /\.[cm]?ts$/;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relativeJs = /^\.{1,2}\/.*\.[cm]?js$/.test(specifier) || (specifier.startsWith('file:') && /\.[cm]?js$/.test(specifier));
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !relativeJs || !context.parentURL?.startsWith('file:')) throw error;
    return nextResolve(specifier.replace(/js$/, 'ts'), context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS.test(new URL(url).pathname)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const format = path.endsWith('.cts') ? 'commonjs' : 'module';
  return { format, source: await compiled(path, format), shortCircuit: true };
}

/** The JavaScript of `path`: from the run's cache, or (a .ts file made during the run) compiled now. */
async function compiled(path, format) {
  const rel = relative(dirs.root, path);
  if (!rel.startsWith(`..${sep}`)) {
    try {
      return readFileSync(`${dirs.cache}${sep}${rel.replace(TS, '.js')}`, 'utf8');
    } catch {}
  }
  const { transform } = await import('esbuild');
  const source = readFileSync(path, 'utf8');
  const out = await transform(source, { loader: 'ts', format: format === 'commonjs' ? 'cjs' : 'esm', target: 'node20', sourcemap: 'inline', sourcefile: path });
  return out.code;
}
