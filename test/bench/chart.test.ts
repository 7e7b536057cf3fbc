// bench/chart.ts on a small results fixture: the bars it derives (direction of each metric, the
// runtime in a row's name when a workload has two, no bar without a raw figure), and the SVG
// written by the script itself, with its title, legend, rows and one bar per ratio.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BenchResults, chartPoints, SERIES_PEER, SERIES_RAW } from '../../bench/chart.js';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/results-small.json', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../bench/chart.ts', import.meta.url));
const results = JSON.parse(readFileSync(FIXTURE, 'utf8')) as BenchResults;

describe('bench/chart', () => {
  it('one bar per ratio, as "times better for workforce" whichever way the metric points', () => {
    const points = chartPoints(results).map((p) => [p.row, p.series, Number(p.advantage.toFixed(3)), p.against]);
    assert.deepEqual(points, [
      ['no-op throughput: tasks/s', SERIES_PEER, 3, 'piscina'],
      ['no-op throughput: tasks/s', SERIES_RAW, 0.5, 'raw worker_threads'],
      ['idle latency (threads): p50 ms', SERIES_PEER, 2, 'tinypool'],
      ['idle latency (threads): p50 ms', SERIES_RAW, 0.25, 'raw worker_threads'],
      ['idle latency (processes): p50 ms', SERIES_PEER, 0.8, 'worker-farm'],
    ]);
  });

  it('the script writes an SVG with the title, both series, every row and one bar per ratio', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'workforce-chart-'));
    try {
      const out = join(dir, 'chart.svg');
      await run(process.execPath, ['--import', 'tsx', SCRIPT, `--in=${FIXTURE}`, `--out=${out}`], { timeout: 30_000 });
      const svg = readFileSync(out, 'utf8');
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(svg, /<\/svg>$/);
      for (const text of [
        'workforce against its best peer and the raw limit',
        '2026-01-02, quick run, Node v20.0.0, 2 × Test CPU',
        SERIES_PEER,
        SERIES_RAW,
        'no-op throughput: tasks/s',
        'idle latency (threads): p50 ms',
        'idle latency (processes): p50 ms',
      ])
        assert.ok(svg.includes(`>${text}<`), `the SVG shows "${text}"`);
      // vega labels every mark for screen readers; a bar's label has its tooltip's fields ('against')
      const bars = [...svg.matchAll(/aria-label="([^"]*; against: [^"]*)"/g)].map((m) => m[1]);
      assert.equal(bars.length, 5, bars.join('\n'));
      for (const value of ['3.00', '0.50', '2.00', '0.25', '0.80'])
        assert.ok(
          bars.some((b) => b.includes(`advantage: ${value}`)),
          `a bar of ${value}`,
        );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
