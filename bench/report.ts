import type { AdapterSpec, Role, Runtime } from './adapters/index.js';
import type { Metric, Workload } from './workloads/index.js';

/** Samples of every library: metric key → one value per measured round. */
export type Measurements = Map<AdapterSpec, Map<string, number[]>>;

export interface Figure {
  median: number;
  min: number;
  max: number;
  samples: number[];
  /** median / the best peer's median (same runtime); null without a peer figure. */
  vsBestPeer: number | null;
  /** median / raw's median (same runtime); null without a raw figure. */
  vsRaw: number | null;
  /** median / the batched floor's median (same runtime); null without a floor figure. */
  vsFloor: number | null;
}

export interface LibraryResult {
  library: string;
  runtime: Runtime;
  role: Role;
  payloadMode: AdapterSpec['payloadMode'];
  notes: string;
  metrics: Record<string, Figure>;
  error?: string;
}

export interface WorkloadResult {
  id: string;
  title: string;
  description: string;
  runtimes: Runtime[];
  params: object;
  metrics: Metric[];
  libraries: LibraryResult[];
  /** metric key → runtime → name of the best peer library. */
  bestPeer: Record<string, Partial<Record<Runtime, string>>>;
  /** Measured rounds (each library sampled once per round). */
  rounds: number;
  info: Record<string, unknown>;
  errors: Record<string, string>;
  seconds: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of every library and metric, and the ratios to the best peer, to raw and to the batched floor. */
export function summarize(
  workload: Workload,
  params: object,
  measurements: Measurements,
  extra: { errors: Record<string, string>; rounds: number; info: Record<string, unknown>; seconds: number },
): WorkloadResult {
  const libraries: LibraryResult[] = [...measurements].map(([spec, values]) => {
    const metrics: Record<string, Figure> = {};
    for (const [key, samples] of values) {
      if (samples.length === 0) continue;
      metrics[key] = { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples, vsBestPeer: null, vsRaw: null, vsFloor: null };
    }
    const { name: library, runtime, role, payloadMode, notes } = spec;
    return { library, runtime, role, payloadMode, notes, metrics, ...(extra.errors[library] ? { error: extra.errors[library] } : {}) };
  });
  const bestPeer: WorkloadResult['bestPeer'] = {};
  for (const metric of workload.metrics) {
    bestPeer[metric.key] = {};
    for (const runtime of workload.runtimes) {
      const group = libraries.filter((l) => l.runtime === runtime && l.metrics[metric.key]);
      const value = (l: LibraryResult) => l.metrics[metric.key].median;
      const peers = group.filter((l) => l.role === 'peer');
      const best = peers.reduce<LibraryResult | undefined>(
        (a, b) => (a === undefined || (metric.better === 'higher' ? value(b) > value(a) : value(b) < value(a)) ? b : a),
        undefined,
      );
      const raw = group.find((l) => l.role === 'raw');
      const floor = group.find((l) => l.role === 'floor');
      if (best) bestPeer[metric.key][runtime] = best.library;
      for (const library of group) {
        const figure = library.metrics[metric.key];
        figure.vsBestPeer = best ? figure.median / value(best) : null;
        figure.vsRaw = raw ? figure.median / value(raw) : null;
        figure.vsFloor = floor ? figure.median / value(floor) : null;
      }
    }
  }
  return {
    id: workload.id,
    title: workload.title,
    description: workload.describe(params),
    runtimes: [...workload.runtimes],
    params,
    metrics: [...workload.metrics],
    libraries,
    bestPeer,
    ...extra,
  };
}

function format(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const ratio = (value: number | null) => (value === null ? '–' : `${value.toFixed(2)}×`);

/**
 * The results as one Markdown table (workload × library): median, min–max over the rounds, and
 * the median as a ratio to the best peer, to raw and to the batched floor (raw … batched) of the
 * same runtime; then what each
 * workload did and how each library was configured.
 */
export function renderTable(results: readonly WorkloadResult[]): string {
  const lines = ['| Workload | Library | Median | Min–max | vs best peer | vs raw | vs batched | Notes |', '|---|---|--:|--:|--:|--:|--:|---|'];
  for (const result of results) {
    for (const metric of result.metrics) {
      let first = true;
      for (const library of result.libraries) {
        const figure = library.metrics[metric.key];
        const workload = first ? `${result.title}: ${metric.label} (${metric.better === 'higher' ? '↑' : '↓'})` : '';
        first = false;
        const notes = [
          result.runtimes.length > 1 ? library.runtime : '',
          result.id === 'payload' ? library.payloadMode : '',
          result.bestPeer[metric.key][library.runtime] === library.library ? 'best peer' : '',
        ].filter(Boolean);
        if (!figure) {
          lines.push(`| ${workload} | ${library.library} | failed | | | | | ${library.error ?? 'no samples'} |`);
          continue;
        }
        const cells = [format(figure.median, metric.digits), `${format(figure.min, metric.digits)}–${format(figure.max, metric.digits)}`];
        lines.push(
          `| ${workload} | ${library.library} | ${cells.join(' | ')} | ${ratio(figure.vsBestPeer)} | ${ratio(figure.vsRaw)} | ${ratio(figure.vsFloor)} | ${notes.join(', ')} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

/** What each workload did, and how each library was configured. */
export function renderLegend(results: readonly WorkloadResult[]): string {
  const lines = ['Workloads:'];
  for (const result of results) lines.push(`- ${result.title}: ${result.description}; ${result.rounds} rounds.`);
  lines.push('', 'Libraries:');
  const seen = new Set<string>();
  for (const library of results.flatMap((r) => r.libraries)) {
    if (seen.has(library.library)) continue;
    seen.add(library.library);
    lines.push(`- ${library.library} (${library.runtime}): ${library.notes}.`);
  }
  return lines.join('\n');
}
