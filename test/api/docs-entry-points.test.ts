// The API reference (typedoc.json, run by `npm run docs` and, as a check, by `npm run lint`)
// covers every entry point package.json exports: an entry point added later without its
// TypeDoc entry would go unchecked for undocumented exports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const typedoc = JSON.parse(readFileSync(`${root}typedoc.json`, 'utf8'));

/** The ESM file an export condition tree leads to (import, else default). */
function esmTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  const conditions = value as Record<string, unknown>;
  return esmTarget(conditions.import ?? conditions.default);
}

describe('API reference entry points', () => {
  it('every JavaScript entry point of package.json exports is a TypeDoc entry point, and nothing else', () => {
    const fromExports = Object.entries(pkg.exports as Record<string, unknown>)
      .map(([, value]) => esmTarget(value))
      .filter((target): target is string => target?.endsWith('.js') === true)
      .map((target) => target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))
      .sort();
    assert.deepEqual(fromExports, [...typedoc.entryPoints].sort());
  });

  it('warnings are errors and undocumented exports are warnings', () => {
    assert.equal(typedoc.treatWarningsAsErrors, true);
    assert.equal(typedoc.validation.notDocumented, true);
    assert.match(pkg.scripts.lint, /npm run lint:docs/);
    assert.match(pkg.scripts['lint:docs'], /^typedoc\b/);
  });
});
