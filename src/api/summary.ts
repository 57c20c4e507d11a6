/**
 * GET /metrics/summary: CPU, memory and event counts over a window, from the rollup tables only
 * (never a scan of raw logs), with trends per bucket and the change against the previous window
 * of the same length. Alert counts come from the AlertsPort when it is wired in.
 */
import { SEVERITIES, type Severity } from '../core/event.js';
import { describeTrend, type SeriesPoint, type Trend, type TrendTolerance } from '../core/trends.js';
import { readRollupAverages, readRollups, type RollupAverages, type RollupPoint } from '../store/rollup-reader.js';
import { readHostTotals, type RollupTotals } from '../store/rollup-totals.js';
import type { Store } from '../store/store.js';
import type { AlertFilter } from '../core/alert.js';
import type { AlertsPort } from './ports.js';
import { iso } from '../query/render.js';

export const BUCKETS = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
export type BucketName = keyof typeof BUCKETS;

/** The default bucket for a window: a few hundred points at most. */
export function defaultBucket(spanMs: number): BucketName {
  if (spanMs <= 6 * 3_600_000) return '1m';
  if (spanMs <= 3 * 86_400_000) return '5m';
  if (spanMs <= 60 * 86_400_000) return '1h';
  return '1d';
}

const PCT_TOLERANCE: TrendTolerance = { absolute: 1, relative: 0.05 };
const COUNT_TOLERANCE: TrendTolerance = { absolute: 1, relative: 0.1 };

export interface SummaryQuery {
  from: number;
  to: number;
  bucket: BucketName;
  hosts?: readonly string[];
  hostScope?: readonly string[];
}

interface Stat {
  avg: number | null;
  min: number | null;
  max: number | null;
  /** From the rollup histograms: see RollupPoint.cpu_p95. */
  p95: number | null;
  samples: number;
}

const cpuOf = (t: RollupTotals): Stat => ({ avg: t.cpu_avg, min: t.cpu_min, max: t.cpu_max, p95: t.cpu_p95, samples: t.cpu_samples });
const memOf = (t: RollupTotals): Stat => ({ avg: t.mem_avg, min: t.mem_min, max: t.mem_max, p95: t.mem_p95, samples: t.mem_samples });

function series<P extends { bucket_start: number }>(points: readonly P[], pick: (p: P) => number | null): SeriesPoint[] {
  return points.map((p) => ({ t: p.bucket_start, v: pick(p) }));
}

/** Event counts per bucket over the whole window: a bucket without a rollup row had no events. */
function countSeries(points: readonly RollupPoint[], from: number, to: number, bucketMs: number): SeriesPoint[] {
  const byStart = new Map(points.map((p) => [p.bucket_start, p.count]));
  const out: SeriesPoint[] = [];
  for (let t = from; t < to; t += bucketMs) out.push({ t, v: byStart.get(t) ?? 0 });
  return out;
}

export interface Summary {
  from: string;
  to: string;
  bucket: BucketName;
  overall: { events: number; errors: number; threats: number; cpu: Stat; mem: Stat };
  trends: { cpu: Trend; mem: Trend; events: Trend };
  hosts: { host: string | null; events: number; errors: number; threats: number; cpu: Stat; mem: Stat; trends: { cpu: Trend; mem: Trend } }[];
  series: {
    t: string;
    events: number;
    errors: number;
    threats: number;
    cpu_avg: number | null;
    cpu_min: number | null;
    cpu_max: number | null;
    cpu_p95: number | null;
    mem_avg: number | null;
    mem_min: number | null;
    mem_max: number | null;
    mem_p95: number | null;
  }[];
  alerts: { total: number; by_severity: Record<Severity, number>; open_by_severity: Record<Severity, number> } | null;
}

export function computeSummary(store: Store, alerts: AlertsPort | undefined, q: SummaryQuery): Summary {
  const bucketMs = BUCKETS[q.bucket];
  const from = Math.floor(q.from / bucketMs) * bucketMs;
  const to = q.to;
  const span = Math.max(0, to - from);
  const sel = { ...(q.hosts ? { hosts: q.hosts } : {}), ...(q.hostScope ? { hostScope: q.hostScope } : {}) };
  const win = { from, to, bucketMs, ...sel };
  const prev = { from: Math.max(0, from - span), to: from, bucketMs, ...sel };

  const points = readRollups(store, win);
  // Per host only the averages are drawn (trends): the narrow read is what keeps many hosts cheap.
  const hostPoints = readRollupAverages(store, { ...win, perHost: true });
  // One read per window gives the host rows and the overall one; the previous window gives
  // means only, so no histograms are summed there.
  const { overall: total, hosts: perHost } = readHostTotals(store, win);
  const before = readHostTotals(store, { ...prev, p95: false });
  const prevTotal = before.overall;
  const prevPerHost = new Map(before.hosts.map((t) => [t.host, t]));
  const window = { from, to };

  const byHost = new Map<string | null, RollupAverages[]>();
  for (const p of hostPoints) {
    const list = byHost.get(p.host) ?? [];
    list.push(p);
    byHost.set(p.host, list);
  }

  const bucketsBefore = span / bucketMs;
  return {
    from: iso(from),
    to: iso(to),
    bucket: q.bucket,
    overall: { events: total.count, errors: total.errors, threats: total.threats, cpu: cpuOf(total), mem: memOf(total) },
    trends: {
      cpu: describeTrend(series(points, (p) => p.cpu_avg), window, PCT_TOLERANCE, { mean: total.cpu_avg, previousMean: prevTotal.cpu_avg }),
      mem: describeTrend(series(points, (p) => p.mem_avg), window, PCT_TOLERANCE, { mean: total.mem_avg, previousMean: prevTotal.mem_avg }),
      // Events per bucket; the previous window's mean is per bucket too.
      events: describeTrend(countSeries(points, from, to, bucketMs), window, COUNT_TOLERANCE, {
        mean: bucketsBefore > 0 ? total.count / Math.ceil(bucketsBefore) : null,
        previousMean: bucketsBefore > 0 && from - span >= 0 ? prevTotal.count / Math.ceil(bucketsBefore) : null,
      }),
    },
    hosts: perHost.map((t) => {
      const pts = byHost.get(t.host) ?? [];
      const before = prevPerHost.get(t.host);
      return {
        host: t.host === '' ? null : t.host,
        events: t.count,
        errors: t.errors,
        threats: t.threats,
        cpu: cpuOf(t),
        mem: memOf(t),
        trends: {
          cpu: describeTrend(series(pts, (p) => p.cpu_avg), window, PCT_TOLERANCE, { mean: t.cpu_avg, previousMean: before?.cpu_avg ?? null }),
          mem: describeTrend(series(pts, (p) => p.mem_avg), window, PCT_TOLERANCE, { mean: t.mem_avg, previousMean: before?.mem_avg ?? null }),
        },
      };
    }),
    series: points.map((p) => ({
      t: iso(p.bucket_start),
      events: p.count,
      errors: p.errors,
      threats: p.threats,
      cpu_avg: p.cpu_avg,
      cpu_min: p.cpu_min,
      cpu_max: p.cpu_max,
      cpu_p95: p.cpu_p95,
      mem_avg: p.mem_avg,
      mem_min: p.mem_min,
      mem_max: p.mem_max,
      mem_p95: p.mem_p95,
    })),
    alerts: alerts ? alertCounts(alerts, { from, to, ...sel }) : null,
  };
}

function alertCounts(alerts: AlertsPort, filter: AlertFilter): NonNullable<Summary['alerts']> {
  const zero = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const by = zero();
  const open = zero();
  let total = 0;
  for (const c of alerts.counts(filter)) {
    by[c.severity] += c.count;
    if (c.state === 'open') open[c.severity] += c.count;
    total += c.count;
  }
  return { total, by_severity: by, open_by_severity: open };
}
