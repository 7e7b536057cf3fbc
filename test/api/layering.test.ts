// The layers of src/: a folder imports only from itself and the folders before it
// (errors ← util ← serializer ← channel ← worker ← pool ← compat / remote ← cli ← the entry files).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const LAYERS = ['errors', 'util', 'serializer', 'channel', 'worker', 'pool', 'compat|remote', 'cli'];
/** Files directly in src/ (index.ts, worker-api.ts) are entry points: they may import any layer. */
const ENTRY = LAYERS.length;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.[cm]?ts$/.test(name) ? [path] : [];
  });
}

/** The layer of a file under src/ (its top folder), and the folder's own name. */
function layerOf(path: string): { rank: number; folder: string } {
  const parts = relative(SRC, path).split(sep);
  if (parts.length === 1) return { rank: ENTRY, folder: '.' };
  const rank = LAYERS.findIndex((layer) => layer.split('|').includes(parts[0]));
  assert.ok(rank >= 0, `src/${parts[0]}/ is not a known layer: add it to LAYERS (and to the README's architecture section)`);
  return { rank, folder: parts[0] };
}

/** Relative specifiers of every static import/export and dynamic import() in `code`. */
export function importsOf(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const specifier = match[1] ?? match[2];
    if (specifier.startsWith('.')) found.push(specifier);
  }
  return found;
}

describe('layering of src/', () => {
  it('the import scanner sees static, type-only, re-export and dynamic imports', () => {
    const code = [
      "import { a } from '../pool/a.js';",
      "import type { B } from './b.js';",
      "export { c } from '../worker/c.js';",
      'const d = await import("../compat/d.js");',
      "import x from 'node:fs';",
    ].join('\n');
    assert.deepEqual(importsOf(code), ['../pool/a.js', './b.js', '../worker/c.js', '../compat/d.js']);
  });

  it('no file imports from a layer above its own, nor from a sibling layer', () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      const from = layerOf(file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), specifier);
        assert.ok(target.startsWith(SRC + sep), `${relative(SRC, file)} imports ${specifier}, outside src/`);
        const to = layerOf(target);
        if (to.rank > from.rank || (to.rank === from.rank && to.folder !== from.folder && from.rank !== ENTRY)) {
          wrong.push(`src/${relative(SRC, file)} (${from.folder}) imports ${specifier} (${to.folder})`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });
});
