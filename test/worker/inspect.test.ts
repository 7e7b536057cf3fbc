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

/** Runs inspect-parent.mjs under `--inspect=127.0.0.1:<port>` (a fixed port, like a plain `--inspect`). */
async function underInspect(runtime: string): Promise<{ code: number | null; stdout: string; stderr: string; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [`--inspect=127.0.0.1:${port}`, fixture('inspect-parent.mjs'), runtime], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  it('each process worker gets an inspector port of its own (no EADDRINUSE)', async () => {
    const run = await underInspect('process');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { results: [6, 15], workers: [1, 2] });
    assert.doesNotMatch(run.stderr, /EADDRINUSE|address already in use|failed/i);
    const ports = [...run.stderr.matchAll(/Debugger listening on ws:\/\/[^:]+:(\d+)\//g)].map((m) => Number(m[1]));
    assert.equal(ports.length, 3, `the parent and each of its 2 workers listen: ${run.stderr}`);
    assert.equal(ports[0], run.port, 'the parent keeps its port');
    assert.equal(new Set(ports).size, 3, `three distinct ports: ${ports}`);
  });

  it('thread workers start under --inspect too (debugged through the parent)', async () => {
    const run = await underInspect('thread');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { results: [6, 15], workers: [1, 2] });
    assert.doesNotMatch(run.stderr, /EADDRINUSE|address already in use|failed|ERR_WORKER/i);
    assert.equal((run.stderr.match(/Debugger listening on/g) ?? []).length, 1, run.stderr);
  });
});
