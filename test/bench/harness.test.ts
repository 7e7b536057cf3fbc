// The benchmark harness on tiny sizes: every workload with workforce and raw, so that bench/
// cannot rot unnoticed (adapters, workloads, ratios, table). Figures are not checked, shapes are.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ADAPTERS, type AdapterSpec, withPool } from '../../bench/adapters/index.js';
import { PoolCache, runWorkload } from '../../bench/harness.js';
import { type Measurements, renderLegend, renderTable, summarize, type WorkloadResult } from '../../bench/report.js';
import { WORKLOADS, type Workload } from '../../bench/workloads/index.js';

const WORKERS = 2;
const byName = (name: string) => ADAPTERS.find((spec) => spec.name === name)!;
const SUBJECTS = [
  byName('workforce'),
  byName('raw worker_threads'),
  byName('raw worker_threads batched'),
  byName('workforce/process'),
  byName('raw fork'),
  byName('raw fork batched'),
];

/** Tiny parameters of every workload. */
const TINY: Record<string, object> = {
  'noop-threads': { tasks: 200, warmup: 20 },
  'noop-processes': { tasks: 200, warmup: 20 },
  'idle-latency': { samples: 50, warmup: 5 },
  'idle-latency-processes': { samples: 50, warmup: 5 },
  payload: { roundTrips: 20, warmup: 2, inFlight: 2, bytes: 1 << 20 },
  'idle-rss': { settleMs: 10 },
  'idle-rss-processes': { settleMs: 10 },
  'cpu-speedup': { tasks: 4, ms: 5 },
};

const positiveFinite = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

describe('bench harness', { timeout: 60_000 }, () => {
  const pools = new PoolCache(WORKERS);
  const results: WorkloadResult[] = [];
  after(() => pools.closeAll((spec, error) => assert.fail(`${spec.name} did not close: ${error}`)));

  test('every workload has tiny parameters here', () => {
    assert.deepEqual(WORKLOADS.map((w) => w.id).sort(), Object.keys(TINY).sort());
  });

  for (const workload of WORKLOADS as Workload<object>[]) {
    test(workload.id, async () => {
      const result = await runWorkload(workload, SUBJECTS, { params: TINY[workload.id], rounds: 2, workers: WORKERS, pools, restMs: 0 });
      results.push(result);
      assert.deepEqual(result.errors, {});
      assert.equal(result.rounds, 2);
      const expected = SUBJECTS.filter((s) => workload.runtimes.includes(s.runtime));
      assert.deepEqual(
        result.libraries.map((l) => l.library),
        expected.map((s) => s.name),
      );
      for (const library of result.libraries) {
        for (const metric of workload.metrics) {
          const figure = library.metrics[metric.key];
          assert.ok(figure, `${library.library} has no ${metric.key}`);
          assert.equal(figure.samples.length, 2);
          for (const value of [figure.median, figure.min, figure.max, ...figure.samples]) {
            // RSS deltas of threads may come out at or below 0 on a tiny, noisy sample.
            if (workload.id === 'idle-rss') assert.ok(Number.isFinite(value), `${library.library} ${metric.key}: ${value}`);
            else assert.ok(positiveFinite(value), `${library.library} ${metric.key}: ${value}`);
          }
          assert.ok(figure.min <= figure.median && figure.median <= figure.max);
          assert.ok(Number.isFinite(figure.vsRaw), `${library.library} ${metric.key} vs raw`);
          if (library.role === 'raw') assert.equal(figure.vsRaw, 1);
          assert.ok(Number.isFinite(figure.vsFloor), `${library.library} ${metric.key} vs batched`);
          if (library.role === 'floor') assert.equal(figure.vsFloor, 1);
          assert.equal(figure.vsBestPeer, null, 'no peer ran');
        }
      }
    });
  }

  test('the table and legend list every figure', () => {
    const table = renderTable(results);
    for (const result of results) {
      assert.match(table, new RegExp(result.title));
      for (const library of result.libraries) assert.ok(table.includes(`| ${library.library} |`));
    }
    assert.match(table, /\| vs raw \| vs batched \|/);
    assert.match(renderLegend(results), /workforce \(thread\)/);
  });
});

describe('ratios', () => {
  const fake = (name: string, role: AdapterSpec['role'], runtime: AdapterSpec['runtime'] = 'thread'): AdapterSpec => ({
    name,
    role,
    runtime,
    payloadMode: 'n/a',
    notes: '',
    create: () => {
      throw new Error('not started');
    },
  });
  const workload = (better: 'higher' | 'lower'): Workload =>
    ({
      id: 'fake',
      title: 'fake',
      runtimes: ['thread', 'process'],
      metrics: [{ key: 'v', label: 'v', unit: 'u', better, digits: 1 }],
      describe: () => 'fake',
    }) as unknown as Workload;
  const measurements = (values: [AdapterSpec, number[]][]): Measurements => new Map(values.map(([spec, v]) => [spec, new Map([['v', v]])]));
  const extra = { errors: {}, rounds: 3, info: {}, seconds: 1 };
  const [wf, a, b, raw, floor, pa, praw] = [
    fake('wf', 'workforce'),
    fake('a', 'peer'),
    fake('b', 'peer'),
    fake('raw', 'raw'),
    fake('floor', 'floor'),
    fake('pa', 'peer', 'process'),
    fake('praw', 'raw', 'process'),
  ];
  const data = measurements([
    [wf, [30, 10, 20]],
    [a, [5, 5, 5]],
    [b, [8, 9, 7]],
    [raw, [40, 40, 40]],
    [floor, [80, 80, 80]],
    [pa, [2, 2, 2]],
    [praw, [4, 4, 4]],
  ]);

  test('higher is better: the best peer has the highest median, ratios are median / reference', () => {
    const result = summarize(workload('higher'), {}, data, extra);
    const get = (name: string) => result.libraries.find((l) => l.library === name)!.metrics.v;
    assert.deepEqual(result.bestPeer.v, { thread: 'b', process: 'pa' });
    assert.deepEqual({ ...get('wf'), samples: [] }, { median: 20, min: 10, max: 30, samples: [], vsBestPeer: 2.5, vsRaw: 0.5, vsFloor: 0.25 });
    assert.equal(get('a').vsBestPeer, 5 / 8);
    assert.equal(get('pa').vsRaw, 0.5);
    assert.equal(get('pa').vsFloor, null, 'no floor ran on processes');
    assert.equal(get('floor').vsBestPeer, 10);
  });

  test('lower is better: the best peer has the lowest median', () => {
    const result = summarize(workload('lower'), {}, data, extra);
    assert.deepEqual(result.bestPeer.v, { thread: 'a', process: 'pa' });
    assert.equal(result.libraries.find((l) => l.library === 'wf')!.metrics.v.vsBestPeer, 4);
  });
});

test('every adapter starts, answers and closes', { timeout: 60_000 }, async () => {
  for (const spec of ADAPTERS) {
    await withPool(spec, 1, async (pool) => {
      assert.ok((await pool.noop()) !== undefined, spec.name);
      assert.ok(Number.isInteger(await pool.cpu(1000)), spec.name);
      if (spec.runtime === 'thread') assert.equal(await pool.payload(new ArrayBuffer(4096)), 4096, spec.name);
    });
  }
});
