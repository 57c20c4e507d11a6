/**
 * Alerts: filters by state, severity, rule and host (in the URL), counts by severity and by
 * state, rule and host (GET /api/v1/alert-stats; a click filters), the list,
 * and the alert view (?alert=ID) with its sample events (one click into Logs) and
 * acknowledge / resolve / reopen with a comment. What the API refuses is shown as it said it.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { SEVERITIES, time, visible } from '../lib/format';
import { href, route, setParams } from '../lib/router';
import { Problem } from '../components/problem';
import { useApi } from '../components/use-api';

export interface Alert {
  id: number;
  rule_id: string;
  severity: string;
  host: string | null;
  title: string;
  first_seen: string;
  last_seen: string;
  count: number;
  sample_event_ids: number[];
  state: 'open' | 'acknowledged' | 'resolved';
  state_changed_by: string | null;
  state_changed_at: string | null;
  comment: string | null;
  silenced_by?: string | null;
}

interface Counts {
  alerts: { total: number; by_severity: Record<string, number>; open_by_severity: Record<string, number> } | null;
}

interface Stats {
  total: number;
  by_state: { state: string; count: number }[];
  by_rule: { rule_id: string; count: number }[];
  rules_total: number;
  by_host: { host: string | null; count: number }[];
  hosts_total: number;
}

const STATES = ['open', 'acknowledged', 'resolved'] as const;
/** Rules and hosts listed in the counts at most. */
const TOP = 10;

export function AlertsPage() {
  const p = route.value.params;
  const state = p.get('state') ?? 'open';
  const filter = { state: state === 'all' ? undefined : state, min_severity: p.get('min_severity') ?? undefined, rule: p.get('rule') ?? undefined, host: p.get('host') ?? undefined };
  const list = useApi<{ items: Alert[]; next_cursor: string | null }>(`/api/v1/alerts${qs({ ...filter, limit: 200 })}`);
  const counts = useApi<Counts>(`/api/v1/metrics/summary${qs({ from: '30d', host: filter.host, bucket: '1d' })}`);
  // Counts by state, rule and host of the other filters (every state, so each can be picked).
  const stats = useApi<Stats>(`/api/v1/alert-stats${qs({ ...filter, state: undefined, top: TOP })}`);
  const selected = p.get('alert');
  const [rule, setRule] = useState(filter.rule ?? '');
  const [host, setHost] = useState(filter.host ?? '');
  useEffect(() => setRule(filter.rule ?? ''), [filter.rule]);
  useEffect(() => setHost(filter.host ?? ''), [filter.host]);

  const a = counts.data?.alerts;
  return (
    <section class="alerts">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ rule, host });
        }}
      >
        <select aria-label="State" value={state} onChange={(e) => setParams({ state: e.currentTarget.value })}>
          {STATES.map((s) => (
            <option value={s}>{s}</option>
          ))}
          <option value="all">all states</option>
        </select>
        <select aria-label="Minimum severity" value={filter.min_severity ?? ''} onChange={(e) => setParams({ min_severity: e.currentTarget.value })}>
          <option value="">any severity</option>
          {SEVERITIES.map((s) => (
            <option value={s}>{s} and above</option>
          ))}
        </select>
        <input aria-label="Rule" placeholder="rule id" value={rule} onInput={(e) => setRule(e.currentTarget.value)} />
        <input aria-label="Host" placeholder="host (web-*)" value={host} onInput={(e) => setHost(e.currentTarget.value)} />
        <button type="submit">Filter</button>
      </form>
      {a && (
        <div class="cards" aria-label="Alert counts, last 30 days">
          <div class="card">
            <span class="label">last 30 days</span>
            <span class="value">{a.total}</span>
          </div>
          {SEVERITIES.map((s) => (
            <div class="card">
              <span class="label">{s} open / all</span>
              <span class="value">
                {a.open_by_severity[s] ?? 0} / {a.by_severity[s] ?? 0}
              </span>
            </div>
          ))}
        </div>
      )}
      {stats.data && (
        <div class="facets" aria-label="Alert counts by state, rule and host">
          <div>
            <h3>State</h3>
            <ul>
              {stats.data.by_state.map((x) => (
                <li>
                  <button type="button" class="link" aria-pressed={state === x.state} onClick={() => setParams({ state: x.state })}>
                    {x.state}
                  </button>{' '}
                  <span class="count">{x.count}</span>
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3>Rule{stats.data.rules_total > TOP ? ` (top ${TOP} of ${stats.data.rules_total})` : ''}</h3>
            <ul>
              {stats.data.by_rule.map((x) => (
                <li>
                  <button type="button" class="link" aria-pressed={filter.rule === x.rule_id} onClick={() => setParams({ rule: x.rule_id })}>
                    {x.rule_id}
                  </button>{' '}
                  <span class="count">{x.count}</span>
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3>Host{stats.data.hosts_total > TOP ? ` (top ${TOP} of ${stats.data.hosts_total})` : ''}</h3>
            <ul>
              {stats.data.by_host.map((x) =>
                x.host === null ? (
                  <li>
                    <span class="muted">no host</span> <span class="count">{x.count}</span>
                  </li>
                ) : (
                  <li>
                    <button type="button" class="link" aria-pressed={filter.host === x.host} onClick={() => setParams({ host: x.host })}>
                      {x.host}
                    </button>{' '}
                    <span class="count">{x.count}</span>
                  </li>
                ),
              )}
            </ul>
          </div>
        </div>
      )}
      <Problem error={stats.error} />
      <Problem error={list.error} />
      <div class="split">
        <div class="table-wrap">
          <table class="results">
            <thead>
              <tr>
                <th>Last seen (UTC)</th>
                <th>Severity</th>
                <th>Rule</th>
                <th>Host</th>
                <th>Title</th>
                <th>Count</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {(list.data?.items ?? []).map((x) => (
                <tr key={x.id} data-id={x.id} class={String(x.id) === selected ? 'selected' : ''} tabIndex={0} onClick={() => setParams({ alert: String(x.id) })} onKeyDown={(e) => e.key === 'Enter' && setParams({ alert: String(x.id) })}>
                  <td class="ts">{time(x.last_seen)}</td>
                  <td>
                    <span class={`badge sev sev-${x.severity}`}>{x.severity}</span>
                  </td>
                  <td>{visible(x.rule_id)}</td>
                  <td>{visible(x.host ?? '—')}</td>
                  <td class="msg">{visible(x.title, 300)}</td>
                  <td>{x.count}</td>
                  <td>{x.state}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data && list.data.items.length === 0 && <p class="hint">No alerts match.</p>}
        </div>
        {selected && <AlertView id={selected} onChanged={list.reload} />}
      </div>
    </section>
  );
}

function AlertView({ id, onChanged }: { id: string; onChanged: () => void }) {
  const alert = useApi<Alert>(`/api/v1/alerts/${encodeURIComponent(id)}`);
  const history = useApi<{ items: { at: string; by: string; from: string; to: string; comment: string | null }[] }>(`/api/v1/alerts/${encodeURIComponent(id)}/history`);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const x = alert.data;
  const change = async (state: Alert['state']) => {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/alerts/${encodeURIComponent(id)}`, { method: 'PATCH', body: comment ? { state, comment } : { state } });
      setComment('');
      alert.reload();
      history.reload();
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <aside class="alert-view" aria-label={`Alert ${id}`}>
      <header>
        <h2>Alert {id}</h2>
        <button type="button" onClick={() => setParams({ alert: null })}>
          Close
        </button>
      </header>
      <Problem error={alert.error} />
      {x && (
        <>
          <p>
            <span class={`badge sev sev-${x.severity}`}>{x.severity}</span> {visible(x.title)}
          </p>
          <dl>
            <dt>Rule</dt>
            <dd>{visible(x.rule_id)}</dd>
            <dt>Host</dt>
            <dd>{visible(x.host ?? '—')}</dd>
            <dt>State</dt>
            <dd class="state">{x.state}</dd>
            <dt>Seen</dt>
            <dd>
              {x.count} times, {time(x.first_seen)} → {time(x.last_seen)}
            </dd>
            {x.silenced_by && (
              <>
                <dt>Silenced by</dt>
                <dd>{x.silenced_by}</dd>
              </>
            )}
          </dl>
          <h3>Sample events</h3>
          <ul>
            {x.sample_event_ids.map((e) => (
              <li>
                <a href={href('logs', { event: String(e), range: '30d', query: x.host ? `host:${x.host}` : '' })}>event {e}</a>
              </li>
            ))}
          </ul>
          <h3>History</h3>
          <ul class="history">
            <li>
              {time(x.first_seen)}: opened by rule {visible(x.rule_id)}
            </li>
            {(history.data?.items ?? []).map((h) => (
              <li>
                {time(h.at)}: {h.from} → {h.to} by {visible(h.by)}
                {h.comment && <> — “{visible(h.comment)}”</>}
              </li>
            ))}
          </ul>
          <Problem error={history.error} />
          <label>
            Comment
            <textarea name="comment" rows={2} maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </label>
          <div class="actions">
            <button type="button" disabled={busy || x.state === 'acknowledged' || x.state === 'resolved'} onClick={() => change('acknowledged')}>
              Acknowledge
            </button>
            <button type="button" disabled={busy || x.state === 'resolved'} onClick={() => change('resolved')}>
              Resolve
            </button>
            <button type="button" disabled={busy || x.state === 'open'} onClick={() => change('open')}>
              Reopen
            </button>
          </div>
          <Problem error={error} />
        </>
      )}
    </aside>
  );
}
