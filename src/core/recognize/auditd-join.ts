import type { NormalizedEvent } from '../event.js';

/**
 * The records of one Linux audit event joined, as far as a stream allows. The kernel writes an
 * event as several records sharing `msg=audit(EPOCH.MS:SERIAL)`: SYSCALL first (who ran it:
 * `exe`, `comm`, `pid`, `ppid`, `uid`, `auid`, `key` …), then EXECVE (the arguments), CWD, PATH …,
 * PROCTITLE, and EOE closing it — each its own line, and usually its own Kafka message. Sigma's
 * process_creation rules want the image and the command line on one event; this gives every
 * later record of the event (EXECVE, CWD, PATH, PROCTITLE, SOCKADDR …) the SYSCALL's process
 * fields, and the records after CWD its `cwd`, in `auditd.data` under their own names (a record's
 * own fields win), listing what was added from in `auditd.joined`.
 *
 * Only earlier records feed later ones: an event is never changed after it was handed on, so
 * the EXECVE (written before CWD and PATH) gets no `cwd`. Records are keyed by (host, serial),
 * kept per host at most `maxPerHost` open events for `ttlMs` of event time (the audit stamp, not
 * the clock), for at most `maxHosts` hosts — the oldest dropped first — and an EOE record ends
 * its event. The result depends only on the order of the events given. The cache lives in
 * memory: a restart or a replay starting mid-event loses the records before it (those events
 * keep their record's own fields, as without the join).
 */
export interface AuditJoinLimits {
  maxHosts: number;
  maxPerHost: number;
  ttlMs: number;
}

export const AUDIT_JOIN_LIMITS: AuditJoinLimits = Object.freeze({ maxHosts: 1024, maxPerHost: 256, ttlMs: 10_000 });

/** The SYSCALL fields that describe the process (not its raw syscall arguments a0–a3, items). */
const PROCESS_FIELDS = [
  'arch', 'syscall', 'success', 'exit', 'ppid', 'pid', 'auid', 'uid', 'gid', 'euid', 'suid', 'fsuid', 'egid', 'sgid', 'fsgid',
  'tty', 'ses', 'comm', 'exe', 'subj', 'key',
  // auditd's ENRICHED format adds the interpreted names.
  'ARCH', 'SYSCALL', 'AUID', 'UID', 'GID', 'EUID', 'SUID', 'FSUID', 'EGID', 'SGID', 'FSGID',
] as const;

interface OpenEvent {
  ts: number;
  fields: Record<string, string>;
  from: string[];
}

export class AuditEventJoiner {
  private readonly hosts = new Map<string, Map<string, OpenEvent>>();
  private readonly limits: AuditJoinLimits;

  constructor(limits: Partial<AuditJoinLimits> = {}) {
    this.limits = { ...AUDIT_JOIN_LIMITS, ...limits };
  }

  /** Open events held (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const m of this.hosts.values()) n += m.size;
    return n;
  }

  /** The event with what earlier records of its audit event said; the same object when nothing. */
  join(e: NormalizedEvent): NormalizedEvent {
    const a = e.attributes['auditd'];
    if (typeof a !== 'object' || a === null) return e;
    const audit = a as Record<string, unknown>;
    const type = audit['type'];
    const serial = audit['serial'];
    const data = audit['data'];
    if (typeof type !== 'string' || typeof serial !== 'string' || typeof data !== 'object' || data === null) return e;
    const host = e.host ?? '';
    const events = this.eventsOf(host, e.ts);
    if (type === 'SYSCALL') {
      const fields: Record<string, string> = {};
      for (const k of PROCESS_FIELDS) {
        const v = (data as Record<string, unknown>)[k];
        if (typeof v === 'string') fields[k] = v;
      }
      events.delete(serial);
      events.set(serial, { ts: e.ts, fields, from: ['SYSCALL'] });
      this.bound(events);
      return e;
    }
    const open = events.get(serial);
    if (open === undefined) return e;
    if (type === 'EOE') {
      events.delete(serial);
      return e;
    }
    const own = data as Record<string, unknown>;
    const out = this.merge(e, audit, own, open);
    if (type === 'CWD' && typeof own['cwd'] === 'string' && open.fields['cwd'] === undefined) {
      open.fields['cwd'] = own['cwd'];
      open.from.push('CWD');
    }
    return out;
  }

  private merge(e: NormalizedEvent, audit: Record<string, unknown>, own: Record<string, unknown>, open: OpenEvent): NormalizedEvent {
    let added: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(open.fields)) {
      if (Object.hasOwn(own, k)) continue;
      (added ??= { ...own })[k] = v;
    }
    if (added === null) return e;
    return { ...e, attributes: { ...e.attributes, auditd: { ...audit, data: added, joined: [...open.from] } } };
  }

  /** The host's open events, stale ones dropped; the host becomes the most recent. */
  private eventsOf(host: string, ts: number): Map<string, OpenEvent> {
    let events = this.hosts.get(host);
    if (events === undefined) {
      events = new Map();
      if (this.hosts.size >= this.limits.maxHosts) this.hosts.delete(this.hosts.keys().next().value as string);
    } else this.hosts.delete(host);
    this.hosts.set(host, events);
    for (const [serial, open] of events) {
      if (ts - open.ts <= this.limits.ttlMs) break;
      events.delete(serial);
    }
    return events;
  }

  private bound(events: Map<string, OpenEvent>): void {
    while (events.size > this.limits.maxPerHost) events.delete(events.keys().next().value as string);
  }
}
