/**
 * The command's benchmark (part of `npm run bench`): N tiny JSON lines through `workforce run`
 * (unordered and --ordered), through the library's own pool.run loop (a script holding every
 * line), and through GNU parallel running the same function in a process per line; and the peak
 * RSS of `workforce run` over a 1,000,000-line input. Each is a child process timed from spawn to
 * exit; the rounds are interleaved; ratios are taken within the run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from '../report.js';

export interface CliBenchParams {
  /** Lines of the throughput runs (workforce run and the pool.run loop). */
  lines: number;
  /** Lines given to GNU parallel (a process each: fewer, its rate is what is compared). */
  parallelLines: number;
  /** Lines of the peak-RSS run. */
  rssLines: number;
  rounds: number;
}

export const CLI_SIZES: Record<'quick' | 'full', CliBenchParams> = {
  full: { lines: 100_000, parallelLines: 100, rssLines: 1_000_000, rounds: 3 },
  quick: { lines: 20_000, parallelLines: 20, rssLines: 200_000, rounds: 1 },
};

export interface CliBenchResult {
  params: CliBenchParams;
  workers: number;
  /** lines/s medians (and every round's figure). */
  rates: Record<string, { median: number; samples: number[] }>;
  /** workforce run (unordered) ÷ each other way: the ratio of the medians. */
  ratios: { vsParallel: number | null; vsPoolLoop: number; orderedVsPoolLoop: number };
  /** The same ratios round by round (each round runs every way back to back): their spread. */
  roundRatios: { vsPoolLoop: number[]; orderedVsPoolLoop: number[] };
  /** Peak RSS (VmHWM) of `workforce run` over rssLines lines, MB. */
  peakRssMb: number | null;
  /** Peak RSS of `workforce run` over `lines` lines (the throughput rounds), MB: with peakRssMb, shows memory does not grow with the input. */
  peakRssThroughputMb: number | null;
  /** 1-minute load average before and after (the machine may be shared: ratios within the run are what counts). */
  loadAverage: { before: number; after: number };
  notes: string[];
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const TINY = here('./tiny.mjs');
const MAX_RSS = pathToFileURL(here('./max-rss.mjs')).href;

function writeInput(path: string, lines: number): void {
  const chunks: string[] = [];
  for (let i = 1; i <= lines; i++) chunks.push(`{"id":${i},"n":${i}}\n`);
  writeFileSync(path, chunks.join(''));
}

/**
 * Runs a command to its end: seconds from spawn to exit, and (watchRss, a node command) its peak
 * RSS in bytes: the larger of the high-water mark polled from /proc (Linux) and the process's own
 * getrusage maximum, written at exit by the preloaded max-rss.mjs.
 */
function timed(command: string, args: string[], options: { stdout?: string; watchRss?: boolean } = {}): Promise<{ seconds: number; peakRss: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const rssFile = options.watchRss ? join(mkdtempSync(join(tmpdir(), 'workforce-bench-rss-')), 'max-rss') : undefined;
    if (rssFile) args = ['--import', MAX_RSS, ...args];
    const env = { ...process.env, NODE_OPTIONS: '', ...(rssFile && { WORKFORCE_BENCH_RSS_FILE: rssFile }) };
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d) => options.stdout && out.push(d));
    child.stderr.on('data', (d) => (err += d));
    let peakRss: number | null = null;
    const poll = options.watchRss
      ? setInterval(() => {
          try {
            const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (hwm) peakRss = Math.max(peakRss ?? 0, Number(hwm[1]) * 1024);
          } catch {} // not Linux, or it just exited
        }, 50)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (rssFile) {
        if (existsSync(rssFile)) peakRss = Math.max(peakRss ?? 0, Number(readFileSync(rssFile, 'utf8')));
        rmSync(dirname(rssFile), { recursive: true, force: true });
      }
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
      else {
        if (options.stdout) writeFileSync(options.stdout, Buffer.concat(out));
        resolve({ seconds, peakRss });
      }
    });
  });
}

function countLines(path: string): number {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '').length;
}

async function hasParallel(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('parallel', ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

export async function cliBench(params: CliBenchParams, workers: number, log: (line: string) => void): Promise<CliBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'workforce-bench-cli-'));
  const notes: string[] = [];
  const loadBefore = loadavg()[0];
  try {
    const input = join(dir, 'in.jsonl');
    const small = join(dir, 'small.jsonl');
    writeInput(input, params.lines);
    writeInput(small, params.parallelLines);
    const out = join(dir, 'out.jsonl');
    const ways: Record<string, { lines: number; run: () => Promise<unknown> }> = {
      'workforce run': {
        lines: params.lines,
        run: () => timed(process.execPath, [BIN, 'run', TINY, '-i', input, '-o', out, '-w', String(workers), '-q'], { watchRss: true }),
      },
      'workforce run --ordered': {
        lines: params.lines,
        run: () => timed(process.execPath, [BIN, 'run', TINY, '-i', input, '-o', out, '-w', String(workers), '-q', '--ordered']),
      },
      'pool.run loop': { lines: params.lines, run: () => timed(process.execPath, [here('./pool-loop.mjs'), input, out, String(workers)]) },
    };
    if (await hasParallel())
      ways['GNU parallel'] = {
        lines: params.parallelLines,
        run: () => timed('parallel', ['--will-cite', '-j', String(workers), process.execPath, here('./one-line.mjs'), '{}', '::::', small], { stdout: out }),
      };
    else notes.push('GNU parallel is not installed (Debian package `parallel`): not compared');
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
    let throughputRss: number | null = null;
    for (let round = 0; round < params.rounds; round++) {
      const names = Object.keys(ways);
      for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
        // GNU parallel takes minutes per round on a loaded machine: one round is enough for a ≥ 100× question
        if (name === 'GNU parallel' && round > 0) continue;
        const { seconds, peakRss: rss } = (await ways[name].run()) as { seconds: number; peakRss: number | null };
        if (rss !== null) throughputRss = Math.max(throughputRss ?? 0, rss);
        const written = countLines(out);
        if (written !== ways[name].lines) throw new Error(`${name} wrote ${written} lines, not ${ways[name].lines}`);
        const rate = ways[name].lines / seconds;
        samples[name].push(rate);
        log(`cli: ${name}: ${ways[name].lines} lines in ${seconds.toFixed(2)} s (${Math.round(rate)}/s)`);
      }
    }
    const rates = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { median: median(v), samples: v }]));
    writeInput(input, params.rssLines);
    const { peakRss, seconds } = await timed(process.execPath, [BIN, 'run', TINY, '-i', input, '-o', out, '-w', String(workers), '-q'], { watchRss: true });
    log(`cli: peak RSS over ${params.rssLines} lines: ${peakRss === null ? 'n/a' : `${Math.round(peakRss / 2 ** 20)} MB`} (${seconds.toFixed(1)} s)`);
    const cli = rates['workforce run'].median;
    const perRound = (name: string) => samples[name].map((rate, i) => rate / samples['pool.run loop'][i]);
    return {
      params,
      workers,
      rates,
      ratios: {
        vsParallel: rates['GNU parallel'] ? cli / rates['GNU parallel'].median : null,
        vsPoolLoop: cli / rates['pool.run loop'].median,
        orderedVsPoolLoop: rates['workforce run --ordered'].median / rates['pool.run loop'].median,
      },
      roundRatios: { vsPoolLoop: perRound('workforce run'), orderedVsPoolLoop: perRound('workforce run --ordered') },
      peakRssMb: peakRss === null ? null : peakRss / 2 ** 20,
      peakRssThroughputMb: throughputRss === null ? null : throughputRss / 2 ** 20,
      loadAverage: { before: loadBefore, after: loadavg()[0] },
      notes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderCliTable(result: CliBenchResult): string {
  const { rates, ratios, params, roundRatios } = result;
  const rate = (name: string) => (rates[name] ? Math.round(rates[name].median).toLocaleString('en-US') : 'n/a');
  const x = (r: number | null) => (r === null ? 'n/a' : `**${r >= 10 ? Math.round(r) : r.toFixed(2)}×**`);
  const spread = (rs: number[]) => (rs.length > 1 ? ` (rounds ${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})` : '');
  const mb = (v: number | null) => (v === null ? 'n/a' : String(Math.round(v)));
  return [
    `| the command: ${params.lines.toLocaleString('en-US')} tiny JSON lines, ${result.workers} workers | lines/s | ratio | target |`,
    '|---|--:|--:|---|',
    `| \`workforce run\` (unordered) | ${rate('workforce run')} | | |`,
    `| GNU parallel, a process per line (${params.parallelLines} lines) | ${rate('GNU parallel')} | ${x(ratios.vsParallel)} | ≥ 100× |`,
    `| the library's pool.run loop (all lines in memory) | ${rate('pool.run loop')} | ${x(ratios.vsPoolLoop)}${spread(roundRatios.vsPoolLoop)} | ≥ 0.5× |`,
    `| \`workforce run --ordered\` vs the loop | ${rate('workforce run --ordered')} | ${x(ratios.orderedVsPoolLoop)}${spread(roundRatios.orderedVsPoolLoop)} | |`,
    `| peak RSS of \`workforce run\` (MB), ${params.rssLines.toLocaleString('en-US')} lines (and ${params.lines.toLocaleString('en-US')}) | ${mb(result.peakRssMb)} (${mb(result.peakRssThroughputMb)}) | | < 250 MB |`,
    `\nLoad average (1 min) ${result.loadAverage.before.toFixed(1)} before, ${result.loadAverage.after.toFixed(1)} after; ratios are taken within the run.`,
    ...result.notes.map((note) => `\n${note}`),
  ].join('\n');
}
