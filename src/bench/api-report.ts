/**
 * The API benchmark's results as Markdown tables (docs/bench-api.md keeps the latest run).
 * Pure: figures in, text out. Not part of the appliance.
 */
import type { BenchQuery } from './api-queries.js';
import type { LoadResult } from './api-load.js';

export type Phase = 'idle' | 'ingest';

export interface QueryFigures {
  query: BenchQuery;
  /** Rows the first page returned, and how many events the query matches in the dataset, when known. */
  pageRows: number | null;
  matches: number | null;
  idle?: LoadResult;
  ingest?: LoadResult;
  /** Events stored per second while this request was measured under ingest. */
  ingestRate?: number;
}

export interface WalkFigures {
  phase: Phase;
  pages: number;
  rows: number;
  /** Median time of the first and of the last `sample` pages, ms. */
  firstMs: number;
  lastMs: number;
  sample: number;
}

export interface ModeFigures {
  /** What served the API: e.g. 'logagg serve (ingest and API in one process)'. */
  title: string;
  queries: QueryFigures[];
  walks: WalkFigures[];
  /** Over the whole ingest phase: events stored per second, what the producer sent, mean batch time. */
  ingest: { rate: number; produced: number; seconds: number; batchMs: number | null } | null;
}

export interface ReportInput {
  events: number;
  dbMiB: number;
  /** Seconds the dataset took to generate; null when a cached one was reused. */
  generatedSeconds: number | null;
  cachedSeconds: number;
  connections: number;
  durationS: number;
  node: string;
  cpus: number;
  /** 1-minute load average at the start and end of the measurements. */
  load: [number, number];
  command: string;
  modes: ModeFigures[];
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');

/** Milliseconds with one decimal below 100, whole above; '—' for a missing figure. */
export function ms(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n < 100 ? n.toFixed(1) : String(Math.round(n));
}

/** The idle p99 against the request's target. */
export function verdict(q: Pick<QueryFigures, 'query' | 'idle'>): string {
  if (q.query.targetP99Ms === null) return 'report only';
  if (!q.idle) return `< ${q.query.targetP99Ms} ms`;
  return `< ${q.query.targetP99Ms} ms: ${q.idle.p99 < q.query.targetP99Ms ? 'met' : '**missed**'}`;
}

function cells(r: LoadResult | undefined): string[] {
  if (!r) return ['—', '—', '—', '—'];
  const rps = int(r.rps) + (r.failed > 0 ? ` (${int(r.failed)} failed${r.failedStatus !== null ? `, ${r.failedStatus}` : ''})` : '');
  return [ms(r.p50), ms(r.p90), ms(r.p99), rps];
}

function rowsCell(q: QueryFigures): string {
  if (q.pageRows === null) return '—';
  return q.matches === null ? int(q.pageRows) : `${int(q.pageRows)} of ${int(q.matches)}`;
}

function modeTable(m: ModeFigures): string[] {
  const out: string[] = [];
  const idle = m.queries.some((q) => q.idle);
  const ingest = m.queries.some((q) => q.ingest);
  const head = ['request', 'rows'];
  const align = ['---', '---:'];
  if (idle) head.push('idle p50', 'p90', 'p99', 'req/s'), align.push('---:', '---:', '---:', '---:');
  if (ingest) head.push('under ingest p50', 'p90', 'p99', 'req/s', 'ingest events/s'), align.push('---:', '---:', '---:', '---:', '---:');
  if (idle) head.push('target (idle p99)'), align.push('---');
  out.push(`**${m.title}**`);
  if (m.ingest) {
    const batch = m.ingest.batchMs === null ? '' : `, ${ms(m.ingest.batchMs)} ms per ingest batch on average`;
    out.push(`under ingest: ${int(m.ingest.rate)} events/s stored on average over ${int(m.ingest.seconds)} s${batch}`);
  }
  out.push('');
  out.push(`| ${head.join(' | ')} |`);
  out.push(`|${align.join('|')}|`);
  for (const q of m.queries) {
    const row = [q.query.label, rowsCell(q)];
    if (idle) row.push(...cells(q.idle));
    if (ingest) row.push(...cells(q.ingest), q.ingestRate === undefined ? '—' : int(q.ingestRate));
    if (idle) row.push(verdict(q));
    out.push(`| ${row.join(' | ')} |`);
  }
  if (m.walks.length > 0) {
    out.push('');
    out.push('| paging by next_cursor (filtered request, one client) | pages | rows | first pages, median ms | last pages, median ms |');
    out.push('|---|---:|---:|---:|---:|');
    for (const w of m.walks) {
      out.push(`| ${w.phase} | ${int(w.pages)} | ${int(w.rows)} | ${ms(w.firstMs)} (first ${w.sample}) | ${ms(w.lastMs)} (last ${w.sample}) |`);
    }
  }
  return out;
}

export function renderReport(r: ReportInput): string {
  const out: string[] = [];
  const gen = r.generatedSeconds === null ? `cached; generating it took ${int(r.cachedSeconds)} s` : `generated in ${int(r.generatedSeconds)} s`;
  out.push(`events: ${int(r.events)} over 24 h, 50 hosts (database ${int(r.dbMiB)} MiB, ${gen}); node ${r.node}, ${r.cpus} CPUs, load average ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`);
  out.push(`load: autocannon, ${r.connections} connection${r.connections === 1 ? '' : 's'} (closed loop), ${r.durationS} s per request and phase; times in ms; command: \`${r.command}\``);
  for (const m of r.modes) {
    out.push('');
    out.push(...modeTable(m));
  }
  return out.join('\n') + '\n';
}
