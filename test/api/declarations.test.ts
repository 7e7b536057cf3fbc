// The published types carry no internal back doors: no `@internal` member in any built .d.ts (the
// build strips such members; the declarations still type-check on their own), and WorkPool's
// extension points are its protected subclass API rather than public members.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, pattern) : pattern.test(name) ? [path] : [];
  });
}

describe('published declarations', () => {
  it('no built .d.ts mentions @internal', () => {
    const dts = files(join(root, 'dist'), /\.d\.ts$/);
    assert.ok(dts.length > 20, 'the build emitted declarations');
    assert.deepEqual(
      dts.filter((file) => readFileSync(file, 'utf8').includes('@internal')).map((file) => relative(root, file)),
      [],
    );
  });

  it('the built declarations type-check on their own (nothing stripped that another one needs)', () => {
    const entries = ['dist/index.d.ts', 'dist/compat/index.d.ts', 'dist/worker-api.d.ts'].map((file) => join(root, file));
    const program = ts.createProgram(entries, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      types: ['node'],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName.startsWith(join(root, 'dist')))
      .map((d) => `${relative(root, d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(problems, []);
  });

  it("WorkPool's extension points are protected, not public", () => {
    const dts = readFileSync(join(root, 'dist/pool/work-pool.d.ts'), 'utf8');
    for (const member of ['handles', 'onWorker', 'shouldRecycle', 'spawnPinned', 'submitNested', 'admitsNested', 'reportError']) {
      const lines = dts
        .split('\n')
        .filter((line) => new RegExp(`\\b${member}\\b[(:<]|get ${member}\\b|set ${member}\\b`).test(line) && !/^[/*]/.test(line.trim()));
      assert.ok(lines.length > 0, `${member} is declared`);
      for (const line of lines) assert.match(line, /^\s*protected\b/, `${member} is protected: ${line.trim()}`);
    }
  });
});
