import type { NormalizedEvent, Severity } from '../event.js';
import type { FieldReader } from '../fields.js';
import { compileReader, readValues } from '../fields.js';
import type { Grouping } from './grouping.js';
import { dedupKey } from './grouping.js';
import { maxSeverity, threatsSeverity } from './severity.js';
import type { Template } from './template.js';
import type { Finding, RuleMeta } from './types.js';

/** Sample event indexes kept per finding. */
export const MAX_SAMPLES = 5;

/** What a finding is built from, fixed per rule. */
export interface FindingSpec {
  meta: RuleMeta;
  grouping: Grouping;
  title: Template;
  /** Fields whose values go into `matched` (see `matchedReaders`). */
  matched: readonly MatchedReader[];
  /** Take the highest of the rule's and the event's threat severities. */
  severityFromThreats: boolean;
}

export interface Occurrence {
  /** Higher wins the representative event (default: the latest occurrence wins). */
  rank?: number;
  /** Title variables (`count`, `score`…). */
  vars?: Record<string, unknown>;
  matched?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

interface Acc {
  values: string[];
  samples: number[];
  count: number;
  rep: number;
  rank: number;
  severity: Severity;
  occ: Occurrence | undefined;
}

/**
 * Collects one batch's occurrences of a rule and turns them into at most one finding per
 * group: the representative event gives the title, host, ts and matched values; the others
 * are counted and a few kept as samples.
 */
export class FindingBatch {
  private readonly groups = new Map<string, Acc>();

  constructor(private readonly spec: FindingSpec) {}

  add(i: number, ev: NormalizedEvent, occ?: Occurrence, groupKey?: string): void {
    const spec = this.spec;
    const key = groupKey ?? spec.grouping.key(ev);
    let sev = spec.meta.severity;
    if (spec.severityFromThreats && ev.threats.length > 0) {
      const t = threatsSeverity(ev.threats);
      if (t !== null) sev = maxSeverity(sev, t);
    }
    const rank = occ?.rank ?? Number.NEGATIVE_INFINITY;
    const acc = this.groups.get(key);
    if (acc === undefined) {
      this.groups.set(key, { values: spec.grouping.values(ev), samples: [i], count: 1, rep: i, rank, severity: sev, occ });
      return;
    }
    acc.count++;
    if (acc.samples.length < MAX_SAMPLES) acc.samples.push(i);
    acc.severity = maxSeverity(acc.severity, sev);
    if (rank >= acc.rank) {
      acc.rep = i;
      acc.rank = rank;
      acc.occ = occ;
    }
  }

  get size(): number {
    return this.groups.size;
  }

  finish(events: readonly NormalizedEvent[]): Finding[] {
    const out: Finding[] = [];
    const { meta } = this.spec;
    for (const acc of this.groups.values()) {
      const ev = events[acc.rep] as NormalizedEvent;
      const samples = acc.samples.filter((s) => s !== acc.rep);
      if (samples.length >= MAX_SAMPLES) samples.length = MAX_SAMPLES - 1;
      samples.push(acc.rep);
      const f: Finding = {
        rule_id: meta.id,
        rule_name: meta.name,
        severity: acc.severity,
        host: ev.host,
        title: this.spec.title.render(ev, acc.occ?.vars),
        dedup_key: dedupKey(meta.id, acc.values),
        ts: ev.ts,
        event_indexes: samples,
        count: acc.count,
        matched: { ...matchedValues(ev, this.spec.matched), ...acc.occ?.matched },
      };
      if (acc.occ?.context !== undefined) f.context = acc.occ.context;
      out.push(f);
    }
    return out;
  }
}

export interface MatchedReader {
  path: string;
  read: FieldReader;
}

export function matchedReaders(paths: readonly string[]): MatchedReader[] {
  return [...new Set(paths)].map((path) => ({ path, read: compileReader(path) }));
}

/** Field → value (or values, when several) of the event, for the analyst. */
export function matchedValues(ev: NormalizedEvent, readers: readonly MatchedReader[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { path, read } of readers) {
    const vs = readValues(read(ev), 10);
    if (vs.length === 1) out[path] = vs[0];
    else if (vs.length > 1) out[path] = vs;
  }
  return out;
}
