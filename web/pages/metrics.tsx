/**
 * Metrics from GET /metrics/summary: CPU and memory avg / p95 / max, event, error and threat
 * counts over time, trend against the previous window, and a sortable host table (a click on a
 * host narrows everything to it).
 */
import { useMemo } from 'preact/hooks';
import { qs } from '../lib/api';
import { num, visible } from '../lib/format';
import { route, setParams } from '../lib/router';
import { bucketFor, readRange, RELATIVE } from '../lib/time-range';
import { Chart } from '../components/chart';
import { Problem } from '../components/problem';
import { useApi } from '../components/use-api';

interface Stat {
  avg: number | null;
  min: number | null;
  max: number | null;
  p95: number | null;
  samples: number;
}
interface Trend {
  direction: string;
  mean: number | null;
  previous_mean: number | null;
  change: number | null;
  change_pct: number | null;
}
interface HostRow {
  host: string | null;
  events: number;
  errors: number;
  threats: number;
  cpu: Stat;
  mem: Stat;
  trends: { cpu: Trend; mem: Trend };
}
interface Summary {
  from: string;
  to: string;
  bucket: string;
  overall: { events: number; errors: number; threats: number; cpu: Stat; mem: Stat };
  trends: { cpu: Trend; mem: Trend; events: Trend };
  hosts: HostRow[];
  series: Record<string, number | null | string>[];
}

const COLUMNS: [string, string, (h: HostRow) => number | string | null][] = [
  ['host', 'Host', (h) => h.host ?? ''],
  ['events', 'Events', (h) => h.events],
  ['errors', 'Errors', (h) => h.errors],
  ['threats', 'Threats', (h) => h.threats],
  ['cpu_avg', 'CPU avg', (h) => h.cpu.avg],
  ['cpu_p95', 'CPU p95', (h) => h.cpu.p95],
  ['cpu_max', 'CPU max', (h) => h.cpu.max],
  ['mem_avg', 'Mem avg', (h) => h.mem.avg],
  ['mem_p95', 'Mem p95', (h) => h.mem.p95],
  ['mem_max', 'Mem max', (h) => h.mem.max],
  ['cpu_trend', 'CPU trend', (h) => h.trends.cpu.change_pct],
];

const ARROW: Record<string, string> = { rising: '↑', falling: '↓', flat: '→' };

function TrendText({ t }: { t: Trend }) {
  return (
    <span class={`trend ${t.direction}`}>
      {ARROW[t.direction] ?? ''} {t.direction}
      {t.change_pct !== null ? ` (${t.change_pct > 0 ? '+' : ''}${num(t.change_pct)} % vs previous)` : ''}
    </span>
  );
}

export function MetricsPage() {
  const p = route.value.params;
  const range = useMemo(() => readRange(p, Date.now(), '24h'), [p.get('range'), p.get('from'), p.get('to')]);
  const host = p.get('host') ?? '';
  const sort = p.get('sort') ?? 'events';
  const desc = p.get('dir') !== 'asc';
  const s = useApi<Summary>(`/api/v1/metrics/summary${qs({ from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), bucket: bucketFor(range.to - range.from), host })}`);
  const d = s.data;
  const col = (k: string) => d?.series.map((x) => x[k] as number | null) ?? [];
  const xs = d?.series.map((x) => Date.parse(x.t as string) / 1000) ?? [];
  const cpu = useMemo(() => [xs, col('cpu_avg'), col('cpu_p95'), col('cpu_max')] as [number[], ...(number | null)[][]], [d]);
  const mem = useMemo(() => [xs, col('mem_avg'), col('mem_p95'), col('mem_max')] as [number[], ...(number | null)[][]], [d]);
  const counts = useMemo(() => [xs, col('events'), col('errors'), col('threats')] as [number[], ...(number | null)[][]], [d]);
  const key = COLUMNS.find((c) => c[0] === sort) ?? COLUMNS[1]!;
  const hosts = [...(d?.hosts ?? [])].sort((a, b) => {
    const x = key[2](a) ?? -Infinity;
    const y = key[2](b) ?? -Infinity;
    return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
  });
  const win: [number, number] | undefined = d ? [Date.parse(d.from), Date.parse(d.to)] : undefined;
  const zoom = (from: number, to: number) => setParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), range: null });

  return (
    <section class="metrics">
      <div class="toolbar">
        <select aria-label="Time range" value={range.relative ?? 'custom'} onChange={(e) => setParams({ range: e.currentTarget.value, from: null, to: null })}>
          {RELATIVE.map((r) => (
            <option value={r}>Last {r}</option>
          ))}
          {!range.relative && <option value="custom">custom range</option>}
        </select>
        {host && (
          <button type="button" onClick={() => setParams({ host: null })}>
            Host {host} ✕
          </button>
        )}
      </div>
      <Problem error={s.error} />
      {d && (
        <>
          <div class="cards">
            <div class="card">
              <span class="label">CPU avg / p95 / max</span>
              <span class="value">
                {num(d.overall.cpu.avg)} / {num(d.overall.cpu.p95)} / {num(d.overall.cpu.max)} %
              </span>
              <TrendText t={d.trends.cpu} />
            </div>
            <div class="card">
              <span class="label">Memory avg / p95 / max</span>
              <span class="value">
                {num(d.overall.mem.avg)} / {num(d.overall.mem.p95)} / {num(d.overall.mem.max)} %
              </span>
              <TrendText t={d.trends.mem} />
            </div>
            <div class="card">
              <span class="label">Events / errors / threats</span>
              <span class="value">
                {num(d.overall.events)} / {num(d.overall.errors)} / {num(d.overall.threats)}
              </span>
              <TrendText t={d.trends.events} />
            </div>
          </div>
          <div class="charts">
            <figure>
              <figcaption>CPU % (bucket {d.bucket})</figcaption>
              <Chart label="CPU percent over time" data={cpu} window={win} onZoom={zoom} series={[{ label: 'avg', color: '#3b82f6' }, { label: 'p95', color: '#f59e0b' }, { label: 'max', color: '#ef4444' }]} />
            </figure>
            <figure>
              <figcaption>Memory %</figcaption>
              <Chart label="Memory percent over time" data={mem} window={win} onZoom={zoom} series={[{ label: 'avg', color: '#10b981' }, { label: 'p95', color: '#f59e0b' }, { label: 'max', color: '#ef4444' }]} />
            </figure>
            <figure>
              <figcaption>Events, errors, threats</figcaption>
              <Chart label="Event counts over time" data={counts} window={win} onZoom={zoom} series={[{ label: 'events', color: '#3b82f6', bars: true }, { label: 'errors', color: '#f59e0b' }, { label: 'threats', color: '#ef4444' }]} />
            </figure>
          </div>
          <div class="table-wrap">
            <table class="results hosts">
              <thead>
                <tr>
                  {COLUMNS.map(([k, label]) => (
                    <th aria-sort={k === sort ? (desc ? 'descending' : 'ascending') : 'none'}>
                      <button type="button" class="link" onClick={() => setParams({ sort: k, dir: k === sort && desc ? 'asc' : null })}>
                        {label} {k === sort ? (desc ? '▼' : '▲') : ''}
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {hosts.map((h) => (
                  <tr>
                    <td>
                      {h.host === null ? (
                        '(no host)'
                      ) : (
                        <button type="button" class="link" onClick={() => setParams({ host: h.host })}>
                          {visible(h.host)}
                        </button>
                      )}
                    </td>
                    <td>{num(h.events)}</td>
                    <td>{num(h.errors)}</td>
                    <td>{num(h.threats)}</td>
                    <td>{num(h.cpu.avg)}</td>
                    <td>{num(h.cpu.p95)}</td>
                    <td>{num(h.cpu.max)}</td>
                    <td>{num(h.mem.avg)}</td>
                    <td>{num(h.mem.p95)}</td>
                    <td>{num(h.mem.max)}</td>
                    <td>
                      <TrendText t={h.trends.cpu} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
