/**
 * Rules and status: the detection rules (kind, severity, hits, last hit; enable / disable —
 * the API decides who may), the refused ones, and the appliance's state: readiness, ingest rate
 * and lag per partition (from /metrics), notification deliveries (admin).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api';
import { bytes, num, time, visible } from '../lib/format';
import { Problem } from '../components/problem';
import { useApi } from '../components/use-api';

interface Rule {
  state: 'active' | 'refused';
  id: string | null;
  name?: string;
  kind?: string;
  severity?: string;
  enabled?: boolean;
  description?: string;
  stats?: { hits: number; alerts_opened: number; suppressed: number; last_hit: string | null };
  failures?: number;
  file?: string;
  reason?: string;
}

interface Ready {
  status: string;
  store: { ok: boolean; schema_version: number };
  consumer: string;
  lag: number | null;
  last_batch_at: string | null;
  streams: number;
  rules_refused: number | null;
}

interface StoreStatus {
  database: { file_bytes: number; wal_bytes: number; free_bytes: number; logs_estimate: number; oldest_log: string | null; newest_log: string | null };
  retention: { days: number; rollup_1m_days: number; rollup_1h_days: number } | null;
}

interface Notifications {
  items: { id: number; alert_id: number; channel: string; kind: string; state: string; attempts: number; created_at: string; last_error: string | null }[];
  channels: { channel: string; pending: number; sent: number; failed: number; retries: number }[];
}

/** One sample of the Prometheus text: name{labels} value. */
function metric(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_:]+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

export function RulesPage() {
  const rules = useApi<{ items: Rule[] }>('/api/v1/rules');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const toggle = async (r: Rule) => {
    setBusy(r.id);
    setError(null);
    try {
      await api(`/api/v1/rules/${encodeURIComponent(r.id!)}`, { method: 'PATCH', body: { enabled: !r.enabled } });
      rules.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="rules">
      <Status />
      <h2>Rules</h2>
      <Problem error={rules.error} />
      <div class="rule-error" aria-label="Rule change">
        <Problem error={error} />
      </div>
      <div class="table-wrap">
        <table class="results">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Kind</th>
              <th>Severity</th>
              <th>Hits</th>
              <th>Alerts</th>
              <th>Last hit</th>
              <th>Enabled</th>
            </tr>
          </thead>
          <tbody>
            {(rules.data?.items ?? []).map((r) =>
              r.state === 'refused' ? (
                <tr class="refused" data-rule={r.id ?? ''}>
                  <td>{visible(r.id ?? r.file ?? '?')}</td>
                  <td colSpan={6}>
                    refused: {visible(r.file ?? '')}: {visible(r.reason ?? '')}
                  </td>
                </tr>
              ) : (
                <tr data-rule={r.id ?? ''}>
                  <td title={r.description}>
                    <strong>{visible(r.id ?? '')}</strong> {r.name && r.name !== r.id ? visible(r.name) : ''}
                  </td>
                  <td>{r.kind}</td>
                  <td>
                    <span class={`badge sev sev-${r.severity}`}>{r.severity}</span>
                  </td>
                  <td>{num(r.stats?.hits)}</td>
                  <td>{num(r.stats?.alerts_opened)}</td>
                  <td class="ts">{time(r.stats?.last_hit)}</td>
                  <td>
                    <button type="button" role="switch" aria-checked={r.enabled} aria-label={`Rule ${r.id} enabled`} disabled={busy === r.id} onClick={() => toggle(r)}>
                      {r.enabled ? 'on' : 'off'}
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Status() {
  const ready = useApi<Ready>('/readyz');
  const store = useApi<StoreStatus>('/api/v1/status');
  const notes = useApi<Notifications>('/api/v1/notifications?limit=20');
  const [prom, setProm] = useState<{ rate: number | null; lag: { topic: string; partition: string; lag: number }[]; error: unknown }>({ rate: null, lag: [], error: null });
  const last = useRef<{ at: number; total: number } | null>(null);
  useEffect(() => {
    let stop = false;
    const poll = async () => {
      try {
        const text = await api<string>('/metrics');
        const total = metric(text, 'logagg_ingest_events_total').reduce((n, s) => n + s.value, 0);
        const now = performance.now();
        const prev = last.current;
        last.current = { at: now, total };
        const lag = metric(text, 'logagg_ingest_consumer_lag').map((s) => ({ topic: s.labels.topic ?? '', partition: s.labels.partition ?? '', lag: s.value }));
        if (!stop) setProm((p) => ({ rate: prev ? ((total - prev.total) * 1000) / (now - prev.at) : p.rate, lag, error: null }));
      } catch (e) {
        if (!stop) setProm((p) => ({ ...p, error: e }));
      }
    };
    void poll();
    const t = setInterval(poll, 5000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);
  const r = ready.data;
  return (
    <>
      <h2>Status</h2>
      <Problem error={ready.error} />
      {r && (
        <div class="cards">
          <div class="card">
            <span class="label">status</span>
            <span class="value">{r.status}</span>
          </div>
          <div class="card">
            <span class="label">ingest rate</span>
            <span class="value">{prom.rate === null ? 'measuring…' : `${num(prom.rate)} events/s`}</span>
          </div>
          <div class="card">
            <span class="label">consumer / lag</span>
            <span class="value">
              {r.consumer} / {num(r.lag)}
            </span>
          </div>
          <div class="card">
            <span class="label">last batch</span>
            <span class="value">{time(r.last_batch_at)}</span>
          </div>
          <div class="card">
            <span class="label">schema / streams / rules refused</span>
            <span class="value">
              {r.store.schema_version} / {r.streams} / {num(r.rules_refused)}
            </span>
          </div>
        </div>
      )}
      <Problem error={store.error} />
      {store.data && (
        <div class="cards" aria-label="Database">
          <div class="card">
            <span class="label">database size (WAL / free)</span>
            <span class="value">
              {bytes(store.data.database.file_bytes)} ({bytes(store.data.database.wal_bytes)} / {bytes(store.data.database.free_bytes)})
            </span>
          </div>
          <div class="card">
            <span class="label">logs stored (about)</span>
            <span class="value">{num(store.data.database.logs_estimate)}</span>
          </div>
          <div class="card">
            <span class="label">oldest → newest log</span>
            <span class="value">
              {time(store.data.database.oldest_log)} → {time(store.data.database.newest_log)}
            </span>
          </div>
          <div class="card">
            <span class="label">retention: logs / 1m / 1h rollups</span>
            <span class="value">
              {store.data.retention
                ? [store.data.retention.days, store.data.retention.rollup_1m_days, store.data.retention.rollup_1h_days].map((d) => (d === 0 ? 'forever' : `${d} d`)).join(' / ')
                : 'unknown'}
            </span>
          </div>
        </div>
      )}
      <Problem error={prom.error} />
      {prom.lag.length > 0 && (
        <table class="results">
          <thead>
            <tr>
              <th>Topic</th>
              <th>Partition</th>
              <th>Lag</th>
            </tr>
          </thead>
          <tbody>
            {prom.lag.map((l) => (
              <tr>
                <td>{visible(l.topic)}</td>
                <td>{l.partition}</td>
                <td>{num(l.lag)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Notification deliveries</h3>
      <Problem error={notes.error} />
      {notes.data && (
        <>
          <div class="cards">
            {notes.data.channels.map((c) => (
              <div class="card">
                <span class="label">{visible(c.channel)}</span>
                <span class="value">
                  {c.sent} sent, {c.pending} pending, {c.failed} failed
                </span>
              </div>
            ))}
          </div>
          <table class="results">
            <tbody>
              {notes.data.items.map((n) => (
                <tr>
                  <td class="ts">{time(n.created_at)}</td>
                  <td>{visible(n.channel)}</td>
                  <td>alert {n.alert_id}</td>
                  <td>{n.kind}</td>
                  <td>{n.state}</td>
                  <td>{n.attempts} attempts</td>
                  <td class="msg">{visible(n.last_error ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {notes.data.items.length === 0 && <p class="hint">No deliveries yet.</p>}
        </>
      )}
    </>
  );
}
