// Every example folder is runnable with one npm script (`npm run example:<name>`), whose command
// names a file that exists in that folder.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scripts: Record<string, string> = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts;

describe('examples: npm scripts', () => {
  const folders = readdirSync(`${root}examples`, { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const { name } of folders) {
    it(`examples/${name} has an example:* script that runs its files`, () => {
      const entries = Object.entries(scripts).filter(([key, command]) => key.startsWith('example:') && command.includes(`examples/${name}/`));
      assert.ok(entries.length >= 1, `no example:* script runs examples/${name}/`);
      for (const [, command] of entries)
        for (const [file] of command.matchAll(/examples\/[\w-]+\/[\w.-]+/g)) assert.ok(existsSync(`${root}${file}`), `${file} (in ${command}) exists`);
    });
  }
});
