#!/usr/bin/env node
// `npm run lint:package`: checks the package as npm would publish it. Builds once, packs the
// tarball once (without running `prepare` again), then:
//   - publint --strict on the tarball: exports, files, bin and fields (warnings are errors);
//   - arethetypeswrong on the tarball, for every entry point, with two decisions, each stated:
//     * profile node16: TypeScript's legacy `moduleResolution: node10` ignores `exports`, so it
//       cannot see the subpaths; the package is ESM for Node >= 20 and supports the resolutions
//       that read `exports` (node16 / nodenext / bundler), which are all checked.
//     * 'workforcejs/worker' promises a CommonJS entry (worker modules may be CommonJS): it is
//       checked with every rule. The other entry points (the root, 'workforcejs/compat',
//       'workforcejs/bullmq', and any added later) are ESM only by design, so for them alone the rule "a require resolves to ESM"
//       (cjs-resolves-to-esm) is ignored: CommonJS code loads them with import(), or with
//       require() where Node has require(esm) (test/api/pack.test.ts proves that case).
// Exits non-zero on the first failing check. Usage: node scripts/check-package.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(label, command, args) {
  console.log(`\n> ${label}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`\ncheck-package: ${label} failed`);
    process.exitCode = 1;
    return false;
  }
  return true;
}

const dir = mkdtempSync(join(tmpdir(), 'workforce-pack-check-'));
try {
  if (!step('build', npm, ['run', 'build', '--silent'])) process.exit();
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { encoding: 'utf8' });
  const tarball = join(dir, JSON.parse(out)[0].filename);
  const checks = [
    ['publint', bin('publint'), ['run', tarball, '--strict']],
    ['attw workforcejs/worker (every rule)', bin('attw'), [tarball, '--profile', 'node16', '--entrypoints', './worker', '--no-emoji']],
    [
      'attw every other entry point (ESM only)',
      bin('attw'),
      [tarball, '--profile', 'node16', '--exclude-entrypoints', './worker', '--ignore-rules', 'cjs-resolves-to-esm', '--no-emoji'],
    ],
  ];
  for (const [label, command, args] of checks) if (!step(label, command, args)) break;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
