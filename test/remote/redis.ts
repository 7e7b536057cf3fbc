/**
 * A private redis-server for the remote tests: a free loopback port, no persistence, stopped
 * after the file. Without redis-server the tests skip, unless WORKFORCE_REQUIRE_REDIS=1 (CI).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';
import { after } from 'node:test';

export interface RedisServer {
  port: number;
  url: string;
  connection: { host: string; port: number };
  stop(): Promise<void>;
}

/** True when this machine can run redis-server. */
export function redisAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** `skip` for node:test: a reason when Redis tests cannot run here (and need not). */
export function redisSkip(): string | false {
  if (redisAvailable()) return false;
  if (process.env.WORKFORCE_REQUIRE_REDIS === '1') throw new Error('WORKFORCE_REQUIRE_REDIS=1 but redis-server cannot be started (install it)');
  return 'redis-server is not installed';
}

const servers = new Set<() => Promise<void>>();
// registered when a test file imports this module: every server it started stops after the file
after(async () => {
  await Promise.all([...servers].map((stop) => stop()));
});

/** A loopback port nothing listens on (now). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function answers(port: number): Promise<boolean> {
  const socket = new Socket();
  try {
    socket.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('PING\r\n');
    const [data] = await once(socket, 'data');
    return String(data).startsWith('+PONG');
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

/** Starts redis-server on a free loopback port; it is stopped after the test file (or by stop()). */
export async function startRedis(): Promise<RedisServer> {
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    let exited = false;
    child.once('exit', () => (exited = true));
    const stop = async () => {
      if (exited) return;
      child.kill('SIGKILL');
      await once(child, 'exit').catch(() => {});
    };
    servers.add(stop);
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await answers(port))) await new Promise((r) => setTimeout(r, 50));
    if (!exited && (await answers(port))) return { port, url: `redis://127.0.0.1:${port}`, connection: { host: '127.0.0.1', port }, stop };
    await stop();
    if (tries >= 2) throw new Error('redis-server did not start');
  }
}
