/**
 * How TypeScript worker modules and spawned scripts load: with Node's own type stripping when
 * the running Node has it (`process.features.typescript`, Node ≥ 22.18 / 23.6 without a flag),
 * otherwise through `tsx`, an optional peer dependency loaded only then. A missing tsx is a
 * MissingDependencyError naming the package, at createPool (or at spawn), not in every worker.
 */
import { extname } from 'node:path';
import { MissingDependencyError } from '../../errors/missing-dependency-error.js';

const TS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** A TypeScript file by its extension. */
export function isTypeScript(path: string): boolean {
  return TS.has(extname(path));
}

/** This Node strips types itself ('strip' or 'transform'); `.tsx` (JSX) never qualifies. */
export function nativeTypeScript(path: string): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript) && extname(path) !== '.tsx';
}

/** The URL of `specifier` (a tsx entry) as this package resolves it, or undefined when tsx is not installed. */
export function resolveTsx(specifier = 'tsx/esm/api'): string | undefined {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return undefined;
  }
}

/**
 * Throws MissingDependencyError when `path` is TypeScript, this Node cannot strip its types and
 * tsx cannot be resolved from this package; returns tsx's URL of `specifier` when it is needed.
 */
export function requireTsxFor(path: string, specifier = 'tsx/esm/api'): string | undefined {
  if (!isTypeScript(path) || nativeTypeScript(path)) return undefined;
  const url = resolveTsx(specifier);
  if (url !== undefined) return url;
  throw new MissingDependencyError(
    `Loading the TypeScript file ${path} needs the package 'tsx', which is not installed: run \`npm install tsx\` ` +
      `(Node ${process.versions.node} cannot strip types itself; Node >= 22.18 or 23.6 can, without tsx), or compile it to .js`,
    'tsx',
    path,
  );
}
