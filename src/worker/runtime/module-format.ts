/**
 * Which worker modules the runtime loads with require() instead of import(): the CommonJS ones.
 * A process worker whose module is CommonJS then never starts Node's ESM loader, which costs a
 * child ~1 MB of RSS (bench: idle RSS per worker, processes).
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/**
 * The "type" of the package.json nearest to `dir` (Node's rule: the first one found going up
 * decides, with or without the field); undefined when there is none or it cannot be read.
 */
function packageType(dir: string): string | undefined {
  for (;;) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      // none here: look further up
    }
    if (text !== undefined) {
      try {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        return typeof type === 'string' ? type : 'commonjs';
      } catch {
        return undefined; // Node itself would fail on it: let import() say so
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return 'commonjs';
    dir = parent;
  }
}

/**
 * `path` is CommonJS by Node's file rules: `.cjs`, or `.js` outside a `"type": "module"`
 * package. (A `.js` of such a package may still hold ESM syntax, which Node detects; require()
 * loads it too, as require(esm), or fails with a code that sends it to import(): see esmOnly.)
 */
export function isCommonJs(path: string): boolean {
  const ext = extname(path);
  return ext === '.cjs' || (ext === '.js' && packageType(dirname(path)) === 'commonjs');
}

/** require() refused the module without running it: it is ESM that only import() loads. */
export function esmOnly(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE';
}
