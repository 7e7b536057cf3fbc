// Issue 19: tsx is an optional peer dependency, needed only for .ts workers on a Node that cannot
// strip types itself. In a scratch project where workforcejs is installed (a copy of package.json
// and dist, its runtime dependencies linked) and tsx is NOT resolvable, a .js worker runs, a .ts
// worker is a MissingDependencyError naming tsx at createPool (or, on a Node with type stripping,
// runs without tsx), and require('workforcejs') works (engines: Node >= 20.19, require(esm)).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; engines: { node: string } };
const scratch = mkdtempSync(join(tmpdir(), 'workforce-no-tsx-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function install(): void {
  const target = join(scratch, 'node_modules', 'workforcejs');
  mkdirSync(target, { recursive: true });
  cpSync(join(root, 'package.json'), join(target, 'package.json'));
  cpSync(join(root, 'dist'), join(target, 'dist'), { recursive: true });
  for (const dep of Object.keys(pkg.dependencies)) {
    assert.notEqual(dep, 'tsx', 'tsx is not a runtime dependency');
    mkdirSync(join(scratch, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(scratch, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', type: 'module', private: true }));
  writeFileSync(join(scratch, 'worker.mjs'), 'export default (n) => n * 2;\n');
  writeFileSync(join(scratch, 'worker.ts'), 'export default (n: number): number => n * 3;\n');
  writeFileSync(
    join(scratch, 'main.mjs'),
    `import { createRequire } from 'node:module';
import { createPool, MissingDependencyError, ModuleLoadError } from 'workforcejs';
const out = {};
const seen = (specifier, from) => { try { createRequire(from).resolve(specifier); return true; } catch { return false; } };
out.tsxFromScratch = seen('tsx', import.meta.url);
out.tsxFromPackage = seen('tsx', new URL('./node_modules/workforcejs/dist/index.js', import.meta.url));
const js = createPool({ module: new URL('./worker.mjs', import.meta.url), numberOfWorkers: 1 });
out.js = await js.run(21);
await js.close();
try {
  const ts = createPool({ module: new URL('./worker.ts', import.meta.url), numberOfWorkers: 1 });
  out.ts = await ts.run(2);
  await ts.close();
} catch (e) {
  out.error = { name: e.name, code: e.code, dependency: e.dependency, message: e.message, typed: e instanceof MissingDependencyError && e instanceof ModuleLoadError };
}
console.log(JSON.stringify(out));
`,
  );
  writeFileSync(join(scratch, 'main.cjs'), "const { createPool, WorkPool } = require('workforcejs');\nconsole.log(typeof createPool, typeof WorkPool);\n");
}

const node = (file: string) =>
  execFileSync(process.execPath, [file], { cwd: scratch, encoding: 'utf8', env: { PATH: process.env.PATH, NODE_OPTIONS: '' }, timeout: 60_000 }).trim();

describe('tsx is optional', () => {
  install();

  it('without tsx: a .js worker runs; a .ts worker is a MissingDependencyError naming tsx (or runs, where Node strips types)', () => {
    const out = JSON.parse(node('main.mjs').split('\n').at(-1) as string);
    assert.equal(out.tsxFromScratch, false, 'the scratch project cannot resolve tsx');
    assert.equal(out.tsxFromPackage, false, 'nor can the installed package');
    assert.equal(out.js, 42);
    if ((process.features as { typescript?: unknown }).typescript) {
      assert.equal(out.ts, 6, 'Node strips the types itself');
    } else {
      assert.ok(out.error, `expected an error, got ${JSON.stringify(out)}`);
      assert.equal(out.error.name, 'MissingDependencyError');
      assert.equal(out.error.code, 'ERR_WORKFORCE_MISSING_DEPENDENCY');
      assert.equal(out.error.dependency, 'tsx');
      assert.equal(out.error.typed, true);
      assert.match(out.error.message, /npm install tsx/);
      assert.match(out.error.message, /worker\.ts/);
    }
  });

  it(`require('workforcejs') works on this Node (engines ${pkg.engines.node}: require(esm) is unflagged from 20.19)`, () => {
    assert.equal(pkg.engines.node, '>=20.19');
    assert.equal(node('main.cjs'), 'function function');
  });
});
