/**
 * Logs ("discover"): time range, query box (full text and field:value filters), a histogram of
 * counts over time (drag to zoom), the results with keyset paging as you scroll, live mode over
 * the SSE stream with pause, and the event view (?event=ID).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, streamToken } from '../lib/api';
import { time, visible } from '../lib/format';
import { queryParams } from '../lib/query-syntax';
import { route, setParams } from '../lib/router';
import { readRange, RELATIVE } from '../lib/time-range';
import { Chart } from '../components/chart';
import { Problem } from '../components/problem';
import { useApi } from '../components/use-api';
import { EventView } from './event-view';

export interface LogItem {
  id: number;
  ts: string;
  host: string | null;
  level: number | null;
  level_name: string | null;
  process: string | null;
  message: string;
  threats: { name: string; severity: string }[];
}

interface Page {
  items: LogItem[];
  next_cursor: string | null;
}

interface Histogram {
  buckets: { ts: string; count: number; threats: number }[];
}

/** Bars of the histogram: enough to see a burst, few enough to draw at phone width. */
const HISTOGRAM_BUCKETS = 120;

const MAX_ROWS = 5000;
const MESSAGE_CUT = 500;

export function LogsPage() {
  const p = route.value.params;
  const query = p.get('query') ?? '';
  const live = p.get('live') === '1';
  const eventId = p.get('event');
  // The range is fixed when the URL changes: paging must not slide with the clock.
  const range = useMemo(() => readRange(p, Date.now(), '1h'), [p.get('range'), p.get('from'), p.get('to'), p.get('query'), p.get('t')]);

  const filter = useMemo(() => {
    const f = queryParams(query);
    f.set('from', range.relative ?? new Date(range.from).toISOString());
    if (!range.relative) f.set('to', new Date(range.to).toISOString());
    return f;
  }, [query, range]);

  const [draft, setDraft] = useState(query);
  useEffect(() => setDraft(query), [query]);
  const input = useRef<HTMLInputElement>(null);

  const [rows, setRows] = useState<LogItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState(0);
  const gen = useRef(0);
  // The filter of the latest render: a page asked for by a callback of an earlier render (the
  // scroll observer holding the previous search's cursor) must not replace the new search's.
  const filterKey = filter.toString();
  const currentFilter = useRef(filterKey);
  currentFilter.current = filterKey;

  const loadPage = async (after: string | null, reset: boolean) => {
    if (filterKey !== currentFilter.current) return;
    const mine = ++gen.current;
    setLoading(true);
    try {
      const f = new URLSearchParams(filter);
      f.set('limit', '100');
      if (after) f.set('cursor', after);
      const page = await api<Page>(`/api/v1/logs?${f}`);
      if (mine !== gen.current || filterKey !== currentFilter.current) return;
      setRows((r) => (reset ? page.items : [...r, ...page.items].slice(0, MAX_ROWS)));
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      if (mine === gen.current) setError(e);
    } finally {
      if (mine === gen.current) setLoading(false);
    }
  };

  useEffect(() => {
    setRows([]);
    setCursor(null);
    setSelected(0);
    void loadPage(null, true);
  }, [filter.toString()]);

  // Keyset paging as the end of the table scrolls into view.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !cursor) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loading) void loadPage(cursor, false);
    });
    io.observe(el);
    return () => io.disconnect();
  }, [cursor, loading]);

  // Live mode: new events over SSE, newest first; paused = held back and counted.
  const [paused, setPaused] = useState(false);
  const held = useRef<LogItem[]>([]);
  const [heldCount, setHeldCount] = useState(0);
  const [liveState, setLiveState] = useState('');
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  useEffect(() => {
    if (!live) return;
    const f = queryParams(query);
    f.set('types', 'logs');
    const t = streamToken();
    if (t) f.set('access_token', t);
    const es = new EventSource(`/api/v1/stream?${f}`);
    setLiveState('connecting');
    es.onopen = () => setLiveState('live');
    es.onerror = () => setLiveState('reconnecting');
    es.addEventListener('log', (ev) => {
      const item = JSON.parse((ev as MessageEvent<string>).data) as LogItem;
      if (pausedRef.current) {
        // Held back while paused; past MAX_ROWS the oldest held ones are dropped (still counted).
        held.current.push(item);
        if (held.current.length > MAX_ROWS) held.current.shift();
        setHeldCount((n) => n + 1);
      } else setRows((r) => [item, ...r].slice(0, MAX_ROWS));
    });
    return () => es.close();
  }, [live, query]);
  const resume = () => {
    const add = held.current.reverse();
    held.current = [];
    setHeldCount(0);
    setRows((r) => [...add, ...r].slice(0, MAX_ROWS));
    setPaused(false);
  };

  // The histogram counts what the table lists: the same query and filters, over the range.
  const histParams = queryParams(query);
  histParams.set('from', new Date(range.from).toISOString());
  histParams.set('to', new Date(range.to).toISOString());
  histParams.set('buckets', String(HISTOGRAM_BUCKETS));
  const histogram = useApi<Histogram>(`/api/v1/logs/histogram?${histParams}`);
  const hist = useMemo(() => {
    const b = histogram.data?.buckets ?? [];
    return [b.map((x) => Date.parse(x.ts) / 1000), b.map((x) => x.count), b.map((x) => x.threats)] as [number[], number[], number[]];
  }, [histogram.data]);

  const onKey = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('input,textarea,select')) return;
    if (e.key === 'j') setSelected((s) => Math.min(rows.length - 1, s + 1));
    else if (e.key === 'k') setSelected((s) => Math.max(0, s - 1));
    else if (e.key === 'Enter' && rows[selected]) setParams({ event: String(rows[selected]!.id) });
    else return;
    e.preventDefault();
  };
  useEffect(() => {
    document.querySelector(`tr[data-index="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  useEffect(() => {
    const slash = (e: KeyboardEvent) => {
      if (e.key === '/' && !(e.target as HTMLElement).closest('input,textarea,select')) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    addEventListener('keydown', slash);
    return () => removeEventListener('keydown', slash);
  }, []);

  return (
    <section class="logs" onKeyDown={onKey}>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ query: draft, t: String(Date.now()) });
        }}
      >
        <select
          aria-label="Time range"
          value={range.relative ?? 'custom'}
          onChange={(e) => setParams({ range: e.currentTarget.value, from: null, to: null })}
        >
          {RELATIVE.map((r) => (
            <option value={r}>Last {r}</option>
          ))}
          {!range.relative && <option value="custom">{`${time(new Date(range.from).toISOString())} → ${time(new Date(range.to).toISOString())}`}</option>}
        </select>
        <input
          ref={input}
          class="query"
          type="search"
          name="query"
          aria-label="Query"
          placeholder='Search: words, "phrase", prefix*, AND/OR/NOT; host:web-* level:warning tag:prod threats:true attr.http.status=500   (press / to focus)'
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <label class="check">
          <input type="checkbox" checked={live} onChange={(e) => setParams({ live: e.currentTarget.checked ? '1' : null })} /> Live
        </label>
        {live && (
          <button type="button" onClick={() => (paused ? resume() : setPaused(true))} aria-pressed={paused}>
            {paused ? `Resume (${heldCount} new)` : 'Pause'}
          </button>
        )}
        {live && <span class="live-state" data-state={liveState}>{liveState}</span>}
      </form>

      <div class="histogram">
        <Chart
          label="Events over time (drag to zoom)"
          data={hist}
          series={[
            { label: 'events', color: '#3b82f6', bars: true },
            { label: 'threats', color: '#ef4444', bars: true },
          ]}
          height={140}
          window={[range.from, range.to]}
          onZoom={(from, to) => setParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), range: null, live: null })}
        />
        <Problem error={histogram.error} />
      </div>

      <Problem error={error} />
      <div class="table-wrap">
        <table class="results">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Level</th>
              <th>Host</th>
              <th>Program</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr
                key={r.id}
                data-index={i}
                data-id={r.id}
                class={`${i === selected ? 'selected ' : ''}lvl-${r.level ?? 'none'}`}
                tabIndex={0}
                onClick={() => {
                  setSelected(i);
                  setParams({ event: String(r.id) });
                }}
              >
                <td class="ts">{time(r.ts)}</td>
                <td>{r.level_name ?? '—'}</td>
                <td>{visible(r.host ?? '—', 200)}</td>
                <td>{visible(r.process ?? '—', 200)}</td>
                <td class="msg">
                  {r.threats.length > 0 && <span class="badge sev">{r.threats[0]!.severity}</span>}
                  {visible(r.message, MESSAGE_CUT)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div ref={sentinel} class="sentinel">
          {loading ? 'Loading…' : cursor ? 'More below' : rows.length === 0 ? 'No events in this range.' : `${rows.length} events`}
        </div>
      </div>
      {eventId && <EventView id={eventId} onClose={() => setParams({ event: null })} />}
    </section>
  );
}
