// In-memory AlertsPort and RulesPort for the API tests, until the alerts table of issue 3
// lands. They follow the port contracts in src/api/ports.ts (scope, cursors, feed positions).
import { SEVERITIES, type Severity } from '../../src/core/event.js';
import { hostInScope } from '../../src/api/auth/roles.js';
import type { Alert, AlertChange, AlertFeed, AlertFilter, AlertPage, AlertState } from '../../src/core/alert.js';
import type { AlertsPort, RuleInfo, RulesPort } from '../../src/api/ports.js';
import { badRequest } from '../../src/errors.js';

const rank = (s: Severity) => SEVERITIES.indexOf(s);

function hostMatches(host: string | null, patterns: readonly string[]): boolean {
  return hostInScope(host, patterns);
}

export class MemoryAlerts implements AlertsPort {
  private readonly alerts = new Map<number, Alert>();
  /** Change sequence per alert: the feed walks it. */
  private readonly changed = new Map<number, number>();
  private seq = 0;
  private nextId = 1;

  add(a: Partial<Alert> & Pick<Alert, 'rule_id' | 'severity' | 'host' | 'first_seen'>): Alert {
    const alert: Alert = {
      id: this.nextId++,
      title: `${a.rule_id} on ${a.host ?? 'no host'}`,
      last_seen: a.first_seen,
      count: 1,
      sample_event_ids: [],
      state: 'open',
      dedup_key: `${a.rule_id}|${a.host ?? ''}`,
      state_changed_by: null,
      state_changed_at: null,
      comment: null,
      ...a,
    } as Alert;
    this.alerts.set(alert.id, alert);
    this.changed.set(alert.id, ++this.seq);
    return alert;
  }

  private matches(a: Alert, f: AlertFilter): boolean {
    if (f.hostScope !== undefined && !hostMatches(a.host, f.hostScope)) return false;
    if (f.hosts !== undefined && !hostMatches(a.host, f.hosts)) return false;
    if (f.states && !f.states.includes(a.state)) return false;
    if (f.severities && !f.severities.includes(a.severity)) return false;
    if (f.minSeverity && rank(a.severity) < rank(f.minSeverity)) return false;
    if (f.rules && !f.rules.includes(a.rule_id)) return false;
    if (f.from !== undefined && a.last_seen < f.from) return false;
    if (f.to !== undefined && a.first_seen >= f.to) return false;
    if (f.eventId !== undefined && !a.sample_event_ids.includes(f.eventId)) return false;
    return true;
  }

  list(filter: AlertFilter, page: { limit: number; cursor: string | null }): AlertPage {
    let after: { last: number; id: number } | null = null;
    if (page.cursor !== null) {
      const m = /^(\d+)_(\d+)$/.exec(page.cursor);
      if (!m) throw badRequest('cursor', 'not a cursor; use the next_cursor of a previous answer unchanged');
      after = { last: Number(m[1]), id: Number(m[2]) };
    }
    const all = [...this.alerts.values()]
      .filter((a) => this.matches(a, filter))
      .sort((a, b) => b.last_seen - a.last_seen || b.id - a.id)
      .filter((a) => after === null || a.last_seen < after.last || (a.last_seen === after.last && a.id < after.id));
    const items = all.slice(0, page.limit).map((a) => ({ ...a }));
    const last = items[items.length - 1];
    return { items, next_cursor: all.length > page.limit && last ? `${last.last_seen}_${last.id}` : null };
  }

  get(id: number, hostScope?: readonly string[]): Alert | null {
    const a = this.alerts.get(id);
    if (!a || (hostScope !== undefined && !hostMatches(a.host, hostScope))) return null;
    return { ...a };
  }

  async transition(id: number, change: AlertChange, hostScope?: readonly string[]): Promise<Alert | null> {
    const a = this.alerts.get(id);
    if (!a || (hostScope !== undefined && !hostMatches(a.host, hostScope))) return null;
    a.state = change.state as AlertState;
    a.state_changed_by = change.by;
    a.state_changed_at = change.at;
    a.comment = change.comment;
    this.changed.set(id, ++this.seq);
    return { ...a };
  }

  /** Simulates the detection engine folding a repeat into an alert. */
  repeat(id: number, at: number): void {
    const a = this.alerts.get(id)!;
    a.count += 1;
    a.last_seen = at;
    this.changed.set(id, ++this.seq);
  }

  counts(filter: AlertFilter): { severity: Severity; state: AlertState; count: number }[] {
    const m = new Map<string, { severity: Severity; state: AlertState; count: number }>();
    for (const a of this.alerts.values()) {
      if (!this.matches(a, filter)) continue;
      const k = `${a.severity}/${a.state}`;
      const c = m.get(k) ?? { severity: a.severity, state: a.state, count: 0 };
      c.count++;
      m.set(k, c);
    }
    return [...m.values()];
  }

  feed(position: string | null, filter: AlertFilter, limit: number): AlertFeed {
    if (position === null) return { items: [], position: String(this.seq) };
    if (!/^\d+$/.test(position)) throw badRequest('Last-Event-ID', 'not a position of this stream');
    const from = Number(position);
    const changes = [...this.changed.entries()].filter(([, s]) => s > from).sort((a, b) => a[1] - b[1]);
    const items: Alert[] = [];
    let pos = from;
    for (const [id, s] of changes) {
      if (items.length >= limit) break;
      pos = s;
      const a = this.alerts.get(id)!;
      if (this.matches(a, filter)) items.push({ ...a });
    }
    if (items.length < limit) pos = Math.max(pos, this.seq);
    return { items, position: String(pos) };
  }
}

export class MemoryRules implements RulesPort {
  readonly changes: { id: string; enabled: boolean; by: string }[] = [];
  private readonly rules: RuleInfo[];
  /** Counters default to a rule that never fired. */
  constructor(rules: (Omit<RuleInfo, 'stats' | 'failures'> & Partial<Pick<RuleInfo, 'stats' | 'failures'>>)[]) {
    this.rules = rules.map((r) => ({ stats: { hits: 0, alerts_opened: 0, suppressed: 0, last_hit: null }, failures: 0, ...r }));
  }
  async list(): Promise<RuleInfo[]> {
    return this.rules.map((r) => ({ ...r, stats: { ...r.stats } }));
  }
  async setEnabled(id: string, enabled: boolean, by: string): Promise<RuleInfo | null> {
    const r = this.rules.find((x) => x.id === id);
    if (!r) return null;
    r.enabled = enabled;
    this.changes.push({ id, enabled, by });
    return { ...r };
  }
}
