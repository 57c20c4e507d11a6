/**
 * One event: every field, the raw text, its threats, the alerts it raised, and its context —
 * the neighbouring events of the same host (five before, five after).
 */
import { useEffect } from 'preact/hooks';
import { qs } from '../lib/api';
import { time, visible } from '../lib/format';
import { href, setParams } from '../lib/router';
import { Problem } from '../components/problem';
import { useApi } from '../components/use-api';
import type { LogItem } from './logs';

interface FullEvent extends LogItem {
  raw: string | null;
  threats: { name: string; severity: string; tags?: string[]; origin?: string; list?: string; indicator?: string }[];
  alerts: { id: number; rule_id: string; severity: string; title: string; state: string }[];
  [field: string]: unknown;
}

/** Nested objects as dotted keys (attributes.http.status = 502). */
function flatten(value: unknown, prefix: string, out: [string, string][]): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, typeof value === 'string' ? value : JSON.stringify(value)]);
  return out;
}

export function EventView({ id, onClose }: { id: string; onClose: () => void }) {
  const ev = useApi<FullEvent>(`/api/v1/logs/${encodeURIComponent(id)}`);
  const e = ev.data;
  const host = e?.host ?? null;
  const before = useApi<{ items: LogItem[] }>(e && host !== null ? `/api/v1/logs${qs({ host, to: e.ts, limit: 5, sort: 'desc' })}` : null);
  const after = useApi<{ items: LogItem[] }>(e && host !== null ? `/api/v1/logs${qs({ host, from: e.ts, limit: 6, sort: 'asc' })}` : null);

  useEffect(() => {
    const esc = (k: KeyboardEvent) => k.key === 'Escape' && onClose();
    addEventListener('keydown', esc);
    return () => removeEventListener('keydown', esc);
  }, [onClose]);

  const context = [...(before.data?.items ?? []).slice().reverse(), ...(after.data?.items ?? [])];
  const { raw: _raw, alerts: _alerts, threats: _threats, ...fields } = e ?? ({} as FullEvent);

  return (
    <aside class="event-view" aria-label={`Event ${id}`}>
      <header>
        <h2>Event {id}</h2>
        <button type="button" onClick={onClose} aria-label="Close event view">
          Close (Esc)
        </button>
      </header>
      <Problem error={ev.error} />
      {e && (
        <>
          <h3>Message</h3>
          <pre class="message">{visible(e.message)}</pre>
          <h3>Threats</h3>
          {e.threats.length === 0 ? (
            <p class="hint">None.</p>
          ) : (
            <ul class="threats">
              {e.threats.map((t) => (
                <li>
                  <span class="badge sev">{t.severity}</span> {visible(t.name)} {t.origin && <span class="hint">({t.origin}{t.indicator ? `: ${visible(t.indicator)}` : ''})</span>}
                </li>
              ))}
            </ul>
          )}
          <h3>Related alerts</h3>
          {e.alerts.length === 0 ? (
            <p class="hint">None.</p>
          ) : (
            <ul>
              {e.alerts.map((a) => (
                <li>
                  <a href={href('alerts', { alert: String(a.id) })}>
                    #{a.id} {visible(a.title)}
                  </a>{' '}
                  <span class="badge sev">{a.severity}</span> {a.state}
                </li>
              ))}
            </ul>
          )}
          <h3>Fields</h3>
          <table class="fields">
            <tbody>
              {flatten(fields, '', []).map(([k, v]) => (
                <tr>
                  <th>{k}</th>
                  <td>{visible(v, 20_000)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Raw</h3>
          <pre class="raw">{e.raw === null ? '(not kept)' : visible(e.raw)}</pre>
          <h3>Context on {host === null ? '(no host)' : visible(host)}</h3>
          {host === null ? (
            <p class="hint">This event has no host.</p>
          ) : (
            <table class="results context">
              <tbody>
                {context.map((c) => (
                  <tr class={c.id === e.id ? 'selected' : ''} onClick={() => setParams({ event: String(c.id) })}>
                    <td class="ts">{time(c.ts)}</td>
                    <td>{c.level_name ?? '—'}</td>
                    <td class="msg">{visible(c.message, 300)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </aside>
  );
}
