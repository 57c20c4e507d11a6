/**
 * What `logagg rules test` and `logagg rules backtest` print: a table for people, JSON (times as
 * ISO 8601, as the API sends them) for scripts. The JSON shapes are documented in docs/rules.md.
 */
import { iso } from '../../../query/render.js';
import { formatDuration } from '../../../core/rules/units.js';
import { TableWriter } from '../../output/table.js';
import type { DryRunReport, MatchedEvent, RuleOutcome, WouldBeAlert } from '../../../app/rules-dry-run.js';

/** What `rules test` ran on and found. */
export interface TestSummary {
  input: string;
  /** Non-blank lines read, each one event. */
  lines: number;
  /** Events that could not be decoded (stored with parse_error by the appliance; rules still see them). */
  parse_errors: number;
  batch_size: number;
  /** Event time one batch may span, ms; 0 = no limit. */
  batch_span_ms: number;
  /** Rules run although the appliance does not run them (disabled in their file or through the API). */
  disabled: string[];
  /** With --all: rules not run because the appliance does not run them. */
  skipped: string[];
  report: DryRunReport;
}

/** What `rules backtest` ran on and found. */
export interface BacktestSummary {
  rule: string;
  db: string;
  /** ts >= from and ts < to, epoch ms. */
  from: number;
  to: number;
  batch_size: number;
  batch_span_ms: number;
  /** The rule is disabled in the appliance (tested anyway). */
  disabled: boolean;
  report: DryRunReport;
}

const TABLE = { width: null, color: false } as const;

/** `[3,4,5,9]` → `3-5, 9`; the numbers are ascending. */
export function numberRanges(ns: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < ns.length) {
    let j = i;
    while (j + 1 < ns.length && (ns[j + 1] as number) === (ns[j] as number) + 1) j++;
    out.push(j === i ? String(ns[i]) : `${ns[i]}-${ns[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

function batching(size: number, spanMs: number): string {
  return spanMs > 0 ? `up to ${size} events or ${formatDuration(spanMs)} of event time each` : `up to ${size} events each`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function alertJson(a: WouldBeAlert, samplesKey: string): Record<string, unknown> {
  return {
    rule_id: a.rule_id,
    rule_name: a.rule_name,
    severity: a.severity,
    host: a.host,
    title: a.title,
    first_seen: iso(a.first_seen),
    last_seen: iso(a.last_seen),
    count: a.count,
    [samplesKey]: a.samples,
    matched: a.matched,
    context: a.context,
    dedup_key: a.dedup_key,
  };
}

function ruleJson(r: RuleOutcome, refKey: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    kind: r.kind,
    severity: r.severity,
    matched_events: r.matched_events,
    hits: r.hits,
    alerts_opened: r.alerts_opened,
    suppressed: r.suppressed,
    failures: r.failures,
    matched: r.matched.map((m) => ({ [refKey]: m.ref, ts: iso(m.ts), host: m.host, message: m.message })),
  };
  if (r.last_error !== undefined) out.last_error = r.last_error;
  return out;
}

export function testJson(s: TestSummary): string {
  const body = {
    input: s.input,
    lines: s.lines,
    events: s.report.events,
    parse_errors: s.parse_errors,
    batches: s.report.batches,
    batch_size: s.batch_size,
    batch_span_ms: s.batch_span_ms,
    disabled_in_appliance: s.disabled,
    skipped_disabled: s.skipped,
    rules: s.report.rules.map((r) => ruleJson(r, 'line')),
    alerts: s.report.alerts.map((a) => alertJson(a, 'sample_lines')),
  };
  return JSON.stringify(body, null, 2) + '\n';
}

export function backtestJson(s: BacktestSummary): string {
  const rule = s.report.rules[0];
  const body = {
    rule: s.rule,
    db: s.db,
    from: iso(s.from),
    to: iso(s.to),
    events: s.report.events,
    batches: s.report.batches,
    batch_size: s.batch_size,
    batch_span_ms: s.batch_span_ms,
    disabled_in_appliance: s.disabled,
    result: rule === undefined ? null : { ...ruleJson(rule, 'id'), matched_truncated: rule.matched.length < rule.matched_events },
    alerts: s.report.alerts.map((a) => alertJson(a, 'sample_event_ids')),
  };
  return JSON.stringify(body, null, 2) + '\n';
}

function alertTable(alerts: readonly WouldBeAlert[], samplesHeader: string): string {
  if (alerts.length === 0) return 'no alert would be raised\n';
  const t = new TableWriter<WouldBeAlert>(
    [
      { header: 'RULE', value: (a) => a.rule_id, max: 40 },
      { header: 'SEVERITY', value: (a) => a.severity, max: 8 },
      { header: 'HOST', value: (a) => a.host ?? '-', max: 32 },
      { header: 'COUNT', value: (a) => String(a.count), max: 10 },
      { header: 'FIRST SEEN', value: (a) => iso(a.first_seen), max: 24 },
      { header: 'LAST SEEN', value: (a) => iso(a.last_seen), max: 24 },
      { header: samplesHeader, value: (a) => a.samples.join(','), max: 40 },
      { header: 'TITLE', value: (a) => a.title, flex: true },
    ],
    TABLE,
  );
  return `${plural(alerts.length, 'alert')} would be raised:\n` + t.render(alerts);
}

function warnings(rules: readonly RuleOutcome[]): string {
  let out = '';
  for (const r of rules) if (r.failures > 0) out += `warning: rule ${r.id} failed in ${plural(r.failures, 'batch', 'batches')}: ${r.last_error ?? ''}\n`;
  return out;
}

export function renderTest(s: TestSummary): string {
  const r = s.report;
  let out = `${plural(r.events, 'event')} from ${s.input === '-' ? 'standard input' : s.input}`;
  out += s.parse_errors > 0 ? ` (${s.parse_errors} could not be decoded; rules see them with parse_error)` : '';
  out += `, in ${plural(r.batches, 'batch', 'batches')} (${batching(s.batch_size, s.batch_span_ms)})\n`;
  for (const id of s.disabled) out += `note: ${id} is disabled in the appliance; tested anyway\n`;
  if (s.skipped.length > 0) out += `note: not run, as the appliance does not run them (disabled): ${s.skipped.join(', ')}\n`;
  const shown = r.rules.length === 1 ? r.rules : r.rules.filter((x) => x.matched_events > 0 || x.hits > 0 || x.failures > 0);
  if (shown.length > 0) {
    const t = new TableWriter<RuleOutcome>(
      [
        { header: 'RULE', value: (x) => x.id, max: 48 },
        { header: 'KIND', value: (x) => x.kind, max: 10 },
        { header: 'SEVERITY', value: (x) => x.severity, max: 8 },
        { header: 'EVENTS', value: (x) => String(x.matched_events), max: 10 },
        { header: 'ALERTS', value: (x) => String(x.alerts_opened), max: 8 },
        { header: 'SUPPRESSED', value: (x) => String(x.suppressed), max: 10 },
        { header: 'MATCHING LINES', value: (x) => (x.matched.length === 0 ? '-' : numberRanges(x.matched.map((m) => m.ref))), flex: true },
      ],
      TABLE,
    );
    out += '\n' + t.render(shown);
  }
  const quiet = r.rules.length - shown.length;
  if (quiet > 0) out += `${shown.length === 0 ? '' : '\n'}${plural(quiet, 'other rule')} matched nothing\n`;
  out += warnings(r.rules);
  out += '\n' + alertTable(r.alerts, 'SAMPLE LINES');
  return out;
}

export function renderBacktest(s: BacktestSummary): string {
  const r = s.report;
  const rule = r.rules[0];
  let out = `backtest of ${s.rule} over ${iso(s.from)} .. ${iso(s.to)} in ${s.db}: ${plural(r.events, 'stored event')}, ${plural(r.batches, 'batch', 'batches')} (${batching(s.batch_size, s.batch_span_ms)})\n`;
  if (s.disabled) out += `note: ${s.rule} is disabled in the appliance; tested anyway\n`;
  if (rule !== undefined) {
    out += `${plural(rule.matched_events, 'event')} matched (${plural(rule.hits, 'occurrence')}); ${plural(rule.alerts_opened, 'alert')} opened`;
    out += rule.suppressed > 0 ? `, ${plural(rule.suppressed, 'occurrence')} suppressed by the hourly cap\n` : '\n';
    out += warnings(r.rules);
    if (rule.matched.length > 0) {
      const t = new TableWriter<MatchedEvent>(
        [
          { header: 'ID', value: (m) => String(m.ref), max: 12 },
          { header: 'TIME', value: (m) => iso(m.ts), max: 24 },
          { header: 'HOST', value: (m) => m.host ?? '-', max: 32 },
          { header: 'MESSAGE', value: (m) => m.message, flex: true },
        ],
        TABLE,
      );
      out += '\n' + t.render(rule.matched);
      const more = rule.matched_events - rule.matched.length;
      if (more > 0) out += `… and ${more} more (--matches N shows more)\n`;
    }
  }
  out += '\n' + alertTable(r.alerts, 'SAMPLE IDS');
  return out;
}
