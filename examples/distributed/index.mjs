// Past one machine, on one machine: a producer and two consumers share a queue on Redis. One
// consumer is killed (SIGKILL) mid-run; its jobs go to the other and every call is still answered.
//
//   npm run example:distributed              starts a private redis-server on a free port
//   REDIS_URL=redis://host:6379 node examples/distributed/index.mjs     uses that Redis instead
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createRemotePool } from 'workforcejs/bullmq';

const CALLS = Number(process.env.CALLS ?? 60);
const queue = `squares-${process.pid}`;
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A private redis-server on a free loopback port (no persistence), unless REDIS_URL is set. */
async function redis() {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.add(server);
  server.once('error', (error) => {
    console.error(`cannot start redis-server (${error.message}): install it, or set REDIS_URL`);
    process.exit(1);
  });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return `redis://127.0.0.1:${port}`;
    await sleep(50);
  }
  throw new Error('redis-server did not start');
}

/** Starts a consumer process; resolves once it printed its `ready` line. */
async function consumer(name, url) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./consumer.mjs', import.meta.url)), queue, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('ready ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`consumer ${name} exited (${code}) before it was ready`)));
  });
  console.log(`consumer ${name} ready (pid ${child.pid})`);
  return { name, child, pid: child.pid };
}

const url = await redis();
const [a, b] = await Promise.all([consumer('A', url), consumer('B', url)]);
const remote = createRemotePool({ queue, connection: url });

let answered = 0;
let killed = false;
const calls = Array.from({ length: CALLS }, (_, n) =>
  remote.run(n).then((result) => {
    answered++;
    if (!killed && answered === Math.floor(CALLS / 4)) {
      killed = true;
      a.child.kill('SIGKILL');
      console.log(`killed consumer A (SIGKILL) mid-run, after ${answered} of ${CALLS} answers`);
    }
    return result;
  }),
);
const results = await Promise.all(calls);

const wrong = results.filter((r, n) => r.n !== n || r.square !== n * n);
const byA = results.filter((r) => r.by === a.pid).length;
const byB = results.filter((r) => r.by === b.pid).length;
console.log(`${results.length}/${CALLS} calls answered: ${byA} by consumer A, ${byB} by consumer B`);
console.log(wrong.length === 0 ? 'every result is correct' : `${wrong.length} results are WRONG`);

await remote.close();
b.child.kill('SIGTERM');
const [code] = await once(b.child, 'exit');
console.log(`consumer B drained and exited with code ${code}`);
for (const child of children) child.kill('SIGKILL');
process.exitCode = wrong.length === 0 && results.length === CALLS && code === 0 ? 0 : 1;
