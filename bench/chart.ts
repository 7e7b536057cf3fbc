/**
 * The benchmark as a picture: reads a results file written by bench/run.ts and draws workforce's
 * ratios against the best peer and against the raw limit (bare worker_threads / fork), one row per
 * workload, metric and runtime, as an SVG (vega-lite compiled to vega, rendered headless: no
 * canvas or browser). Runs after `npm run bench` (the postbench script).
 *
 *   node --import tsx bench/chart.ts [--in=bench/results.json] [--out=bench/chart.svg]
 *
 * Every ratio is drawn as "times better for workforce": median / other for a metric where higher
 * is better, other / median where lower is better; 1 is a tie, right of 1 workforce is ahead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { WorkloadResult } from './report.js';

/** What bench/run.ts writes (the parts the chart reads). */
export interface BenchResults {
  timestamp: string;
  mode: string;
  machine: { node: string; cpus: number; cpuModel: string };
  workloads: Pick<WorkloadResult, 'id' | 'title' | 'metrics' | 'libraries' | 'bestPeer'>[];
}

/** One bar: a row of the chart and what workforce is compared with there. */
export interface ChartPoint {
  row: string;
  series: typeof SERIES_PEER | typeof SERIES_RAW;
  /** Times better for workforce (> 1: ahead, < 1: behind). */
  advantage: number;
  /** The library compared with (the best peer's name, or raw's). */
  against: string;
}

export const SERIES_PEER = 'vs best peer';
export const SERIES_RAW = 'vs raw limit';
const RUNTIME_NAMES: Record<string, string> = { thread: 'threads', process: 'processes', inline: 'main thread' };

/** The bars of a results file: for every workload, metric and runtime where workforce was measured, its two ratios. */
export function chartPoints(results: BenchResults): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const workload of results.workloads) {
    const runtimes = new Set(workload.libraries.map((l) => l.runtime));
    for (const metric of workload.metrics) {
      for (const mine of workload.libraries.filter((l) => l.role === 'workforce' && l.metrics[metric.key])) {
        const figure = mine.metrics[metric.key];
        const row = `${workload.title}${runtimes.size > 1 ? ` (${RUNTIME_NAMES[mine.runtime] ?? mine.runtime})` : ''}: ${metric.label}`;
        const better = (ratio: number) => (metric.better === 'higher' ? ratio : 1 / ratio);
        const peer = workload.bestPeer?.[metric.key]?.[mine.runtime];
        if (figure.vsBestPeer !== null && figure.vsBestPeer > 0)
          points.push({ row, series: SERIES_PEER, advantage: better(figure.vsBestPeer), against: peer ?? 'best peer' });
        const raw = workload.libraries.find((l) => l.role === 'raw' && l.runtime === mine.runtime);
        if (figure.vsRaw !== null && figure.vsRaw > 0)
          points.push({ row, series: SERIES_RAW, advantage: better(figure.vsRaw), against: raw?.library ?? 'raw' });
      }
    }
  }
  return points;
}

/** The vega-lite spec of the chart. */
export function chartSpec(results: BenchResults): TopLevelSpec {
  const points = chartPoints(results);
  const { machine } = results;
  const date = results.timestamp.slice(0, 10);
  const x = { field: 'advantage', type: 'quantitative', scale: { type: 'log' }, title: 'times better for workforce (log scale; 1 = tie)' } as const;
  const y = { field: 'row', type: 'nominal', sort: null, title: null, axis: { labelLimit: 0 } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'workforce against its best peer and the raw limit',
      subtitle: `${date}, ${results.mode} run, Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}`,
    },
    width: 420,
    data: { values: points },
    encoding: { y, yOffset: { field: 'series', sort: [SERIES_PEER, SERIES_RAW] } },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.45 } },
        encoding: {
          x,
          x2: { datum: 1 },
          color: { field: 'series', type: 'nominal', sort: [SERIES_PEER, SERIES_RAW], title: null, legend: { orient: 'top' } },
          tooltip: [{ field: 'row' }, { field: 'series' }, { field: 'against' }, { field: 'advantage', format: '.2f' }],
        },
      },
      {
        // the value at the bar's end: right of a bar that goes right (ahead), left of one that goes left
        mark: { type: 'text', align: { expr: "datum.advantage < 1 ? 'right' : 'left'" }, dx: { expr: 'datum.advantage < 1 ? -4 : 4' }, fontSize: 10 },
        encoding: { x, text: { field: 'advantage', type: 'quantitative', format: '.2f' } },
      },
      { mark: { type: 'rule', color: '#444' }, encoding: { x: { datum: 1 }, y: null, yOffset: null } },
    ],
    config: { font: 'sans-serif', axisY: { labelFontSize: 11, labelLimit: 0 } },
  } as TopLevelSpec;
}

/** The chart as SVG text. */
export async function renderChart(results: BenchResults): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(results)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values: args } = parseArgs({
    options: {
      in: { type: 'string', default: fileURLToPath(new URL('./results.json', import.meta.url)) },
      out: { type: 'string', default: fileURLToPath(new URL('./chart.svg', import.meta.url)) },
    },
  });
  const results = JSON.parse(readFileSync(args.in!, 'utf8')) as BenchResults;
  writeFileSync(args.out!, await renderChart(results));
  console.error(`chart: ${args.out} (${chartPoints(results).length} bars from ${args.in})`);
}
