// Debugging: a parent under --inspect starts workers that do not fight over its inspector port.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { fixture } from '../helpers.js';

/** A TCP port free right now (the parent's inspector takes it: a child inheriting it would clash). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Other NODE_OPTIONS a parent debugged through NODE_OPTIONS has: its workers keep them. */
const OTHER_OPTIONS = '--max-http-header-size=9000 --conditions="two words"';

/**
 * Runs inspect-parent.mjs under `--inspect=127.0.0.1:<port>` (a fixed port, like a plain
 * `--inspect`), given on the command line or in NODE_OPTIONS (VS Code's auto-attach, `NODE_OPTIONS=--inspect npm test`).
 */
async function underInspect(
  runtime: string,
  via: 'argv' | 'NODE_OPTIONS' = 'argv',
): Promise<{ code: number | null; stdout: string; stderr: string; port: number }> {
  const port = await freePort();
  const flag = `--inspect=127.0.0.1:${port}`;
  const args = via === 'argv' ? [flag, fixture('inspect-parent.mjs'), runtime] : [fixture('inspect-parent.mjs'), runtime];
  const env = via === 'argv' ? process.env : { ...process.env, NODE_OPTIONS: `${flag} ${OTHER_OPTIONS}` };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr, port };
}

describe('debugging under --inspect', { concurrency: 2 }, () => {
  for (const via of ['argv', 'NODE_OPTIONS'] as const) {
    it(`each process worker gets an inspector port of its own (no EADDRINUSE), --inspect in ${via}`, async () => {
      const run = await underInspect('process', via);
      assert.equal(run.code, 0, run.stderr);
      const { nodeOptions, ...out } = JSON.parse(run.stdout);
      assert.deepEqual(out, { results: [6, 15], workers: [1, 2] });
      if (via === 'NODE_OPTIONS') assert.equal(nodeOptions, `${OTHER_OPTIONS} --inspect=0`, 'the parent port is swapped for a port of its own');
      assert.doesNotMatch(run.stderr, /EADDRINUSE|address already in use|failed/i);
      const ports = [...run.stderr.matchAll(/Debugger listening on ws:\/\/[^:]+:(\d+)\//g)].map((m) => Number(m[1]));
      assert.equal(ports.length, 3, `the parent and each of its 2 workers listen: ${run.stderr}`);
      assert.equal(ports[0], run.port, 'the parent keeps its port');
      assert.equal(new Set(ports).size, 3, `three distinct ports: ${ports}`);
    });

    it(`thread workers start under --inspect too (debugged through the parent), --inspect in ${via}`, async () => {
      const run = await underInspect('thread', via);
      assert.equal(run.code, 0, run.stderr);
      const { nodeOptions, ...out } = JSON.parse(run.stdout);
      assert.deepEqual(out, { results: [6, 15], workers: [1, 2] });
      if (via === 'NODE_OPTIONS') assert.equal(nodeOptions, OTHER_OPTIONS, 'no debugger flag is handed on');
      assert.doesNotMatch(run.stderr, /EADDRINUSE|address already in use|failed|ERR_WORKER/i);
      assert.equal((run.stderr.match(/Debugger listening on/g) ?? []).length, 1, run.stderr);
    });
  }
});
