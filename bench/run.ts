/**
 * workforce against its peers and bare Node, in one process:
 *   npm run bench [-- --quick] [--only=<workload>[,…]] [--rounds=N] [--libs=<name>[,…]] [--workers=N] [--out=<file>] [--verbose]
 * The table goes to stdout (progress to stderr), the full results to bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ADAPTERS } from './adapters/index.js';
import { CLI_SIZES, type CliBenchResult, cliBench, renderCliTable } from './cli/bench.js';
import { PoolCache, runWorkload } from './harness.js';
import { REMOTE_SIZES, type RemoteBenchResult, redisServerAvailable, remoteBench, renderRemoteTable } from './remote/bench.js';
import { renderLegend, renderTable, type WorkloadResult } from './report.js';
import { type Mode, WORKLOADS } from './workloads/index.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    libs: { type: 'string' },
    workers: { type: 'string', default: '2' },
    out: { type: 'string', default: fileURLToPath(new URL('./results.json', import.meta.url)) },
  },
});

const mode: Mode = args.quick ? 'quick' : 'full';
const rounds = args.rounds === undefined ? (args.quick ? 3 : 5) : Number(args.rounds);
const workers = Number(args.workers);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${args.rounds}`);
if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a positive integer, got ${args.workers}`);

function pick<T extends { [k in K]: string }, K extends keyof T>(all: readonly T[], key: K, list: string | undefined, what: string): T[] {
  if (list === undefined) return [...all];
  const names = list.split(',').map((s) => s.trim());
  for (const name of names) if (!all.some((item) => item[key] === name)) throw new Error(`unknown ${what} "${name}": ${all.map((i) => i[key]).join(', ')}`);
  return all.filter((item) => names.includes(item[key]));
}
// 'cli' in --only is the command's benchmark (bench/cli/bench.ts), 'remote' the BullMQ one
// (bench/remote/bench.ts, when a redis-server binary is found), run after the library workloads
const only = args.only?.split(',').map((s) => s.trim());
const listed = only?.filter((name) => name !== 'cli' && name !== 'remote');
const workloads = listed?.length === 0 ? [] : pick(WORKLOADS, 'id', listed?.join(','), 'workload');
const runCli = only === undefined || only.includes('cli');
const runRemote = only === undefined || only.includes('remote');
const specs = pick(ADAPTERS, 'name', args.libs, 'library');

const log = (line: string) => process.stderr.write(`${line}\n`);
const machine = {
  node: process.version,
  v8: process.versions.v8,
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  os: `${type()} ${release()} ${arch()}`,
  totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  loadAverageAtEnd: [] as number[],
};
log(
  `workforce bench (${mode}, ${rounds} rounds, ${workers} workers): node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, load ${machine.loadAverageAtStart.join(' ')}`,
);

const started = performance.now();
const pools = new PoolCache(workers);
const results: WorkloadResult[] = [];
let cli: CliBenchResult | undefined;
let remote: RemoteBenchResult | undefined;
let remoteSkipped: string | undefined;
const unclosed: string[] = [];
try {
  for (const workload of workloads) {
    const params = workload.sizes[mode];
    log(`${workload.id}: ${workload.describe(params)}`);
    results.push(
      await runWorkload(workload, specs, {
        params,
        rounds,
        workers,
        pools,
        log,
        verbose: args.verbose,
        warmupRounds: mode === 'full' ? workload.warmupRounds : 0,
        // Quick mode keeps to its time budget unless the rounds were asked for.
        budgetSeconds: mode === 'quick' && args.rounds === undefined ? workload.quickBudgetSeconds : undefined,
      }),
    );
  }
  if (runCli) {
    await pools.closeAll(); // the command runs in child processes: the machine to itself
    log('cli: workforce run vs GNU parallel vs the pool.run loop');
    cli = await cliBench(CLI_SIZES[mode], workers, log);
  }
  if (runRemote) {
    await pools.closeAll();
    if (redisServerAvailable()) {
      log('remote: workforcejs/bullmq vs a plain BullMQ Worker and its sandboxed processor');
      remote = await remoteBench(REMOTE_SIZES[mode], log);
    } else {
      remoteSkipped = 'no redis-server binary found (apt-get install redis-server)';
      log(`remote: skipped, ${remoteSkipped}`);
    }
  }
} finally {
  await pools.closeAll((spec, error) => {
    unclosed.push(spec.name);
    log(`closing ${spec.name} failed: ${(error as Error).message}`);
  });
}
machine.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
const seconds = Math.round((performance.now() - started) / 100) / 10;

if (results.length > 0) process.stdout.write(`${renderTable(results)}\n\n${renderLegend(results)}\n`);
if (cli) process.stdout.write(`\n${renderCliTable(cli)}\n`);
if (remote) process.stdout.write(`\n${renderRemoteTable(remote)}\n`);
else if (remoteSkipped) process.stdout.write(`\nremote benchmark skipped: ${remoteSkipped}\n`);
const json = {
  timestamp: new Date().toISOString(),
  mode,
  rounds,
  workers,
  seconds,
  machine,
  workloads: results,
  cli,
  remote: remote ?? { skipped: remoteSkipped },
};
writeFileSync(args.out!, `${JSON.stringify(json, null, 2)}\n`);
log(`done in ${seconds} s; results in ${args.out}`);
// A pool that would not close may keep this process alive: say so and end it.
if (unclosed.length > 0) {
  log(`pools left open: ${unclosed.join(', ')}`);
  process.exit(1);
}
