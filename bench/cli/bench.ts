/**
 * The command's benchmark (part of `npm run bench`): N tiny JSON lines through `workforce run`
 * (unordered and --ordered), through the library's own pool.run loop (a script holding every
 * line), and through GNU parallel running the same function in a process per line; and the peak
 * RSS of `workforce run` over a 1,000,000-line input. Each is a child process timed from spawn to
 * exit; the rounds are interleaved; ratios are taken within the run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  /** workforce run (unordered) ÷ each other way. */
  ratios: { vsParallel: number | null; vsPoolLoop: number; orderedVsPoolLoop: number };
  /** Peak RSS (VmHWM) of `workforce run` over rssLines lines, MB. */
  peakRssMb: number | null;
  notes: string[];
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const TINY = here('./tiny.mjs');

function writeInput(path: string, lines: number): void {
  const chunks: string[] = [];
  for (let i = 1; i <= lines; i++) chunks.push(`{"id":${i},"n":${i}}\n`);
  writeFileSync(path, chunks.join(''));
}

/** Runs a command to its end: seconds from spawn to exit, and the peak RSS seen in /proc (Linux), in bytes. */
function timed(command: string, args: string[], options: { stdout?: string; watchRss?: boolean } = {}): Promise<{ seconds: number; peakRss: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
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
  try {
    const input = join(dir, 'in.jsonl');
    const small = join(dir, 'small.jsonl');
    writeInput(input, params.lines);
    writeInput(small, params.parallelLines);
    const out = join(dir, 'out.jsonl');
    const ways: Record<string, { lines: number; run: () => Promise<unknown> }> = {
      'workforce run': { lines: params.lines, run: () => timed(process.execPath, [BIN, 'run', TINY, '-i', input, '-o', out, '-w', String(workers), '-q']) },
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
    for (let round = 0; round < params.rounds; round++) {
      const names = Object.keys(ways);
      for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
        // GNU parallel takes minutes per round on a loaded machine: one round is enough for a ≥ 100× question
        if (name === 'GNU parallel' && round > 0) continue;
        const { seconds } = (await ways[name].run()) as { seconds: number };
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
    return {
      params,
      workers,
      rates,
      ratios: {
        vsParallel: rates['GNU parallel'] ? cli / rates['GNU parallel'].median : null,
        vsPoolLoop: cli / rates['pool.run loop'].median,
        orderedVsPoolLoop: rates['workforce run --ordered'].median / rates['pool.run loop'].median,
      },
      peakRssMb: peakRss === null ? null : peakRss / 2 ** 20,
      notes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderCliTable(result: CliBenchResult): string {
  const { rates, ratios, params } = result;
  const rate = (name: string) => (rates[name] ? Math.round(rates[name].median).toLocaleString('en-US') : 'n/a');
  const x = (r: number | null) => (r === null ? 'n/a' : `**${r >= 10 ? Math.round(r) : r.toFixed(2)}×**`);
  return [
    `| the command: ${params.lines.toLocaleString('en-US')} tiny JSON lines, ${result.workers} workers | lines/s | ratio | target |`,
    '|---|--:|--:|---|',
    `| \`workforce run\` (unordered) | ${rate('workforce run')} | | |`,
    `| GNU parallel, a process per line (${params.parallelLines} lines) | ${rate('GNU parallel')} | ${x(ratios.vsParallel)} | ≥ 100× |`,
    `| the library's pool.run loop (all lines in memory) | ${rate('pool.run loop')} | ${x(ratios.vsPoolLoop)} | ≥ 0.5× |`,
    `| \`workforce run --ordered\` vs the loop | ${rate('workforce run --ordered')} | ${x(ratios.orderedVsPoolLoop)} | |`,
    `| peak RSS of \`workforce run\`, ${params.rssLines.toLocaleString('en-US')} lines (MB) | ${result.peakRssMb === null ? 'n/a' : Math.round(result.peakRssMb)} | | < 250 MB |`,
    ...result.notes.map((note) => `\n${note}`),
  ].join('\n');
}
