/**
 * The detail views of `tail` as lines of text, wrapped to the terminal width: a whole event
 * (fields, message, threats, attributes, its alerts, raw text) or one alert. Pure; the view
 * shows a scrolled slice of these lines.
 */
import type { Alert } from '../core/alert.js';
import { isoTime, oneLine, type InkStyle, levelInkStyle, severityInkStyle } from './event-line.js';
import { levelName } from './tail-filter.js';
import type { EventDetail } from './tail-source.js';

export interface DetailLine {
  text: string;
  style?: InkStyle;
}

/** Lines of one long text (raw, attributes) shown at most; the rest is summarized. */
const MAX_BLOCK_LINES = 2000;
const HEADING: InkStyle = { bold: true };

/** Hard-wraps at `width` characters (code points), keeping surrogate pairs whole. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const chars = [...text];
  if (chars.length <= w) return [text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += w) out.push(chars.slice(i, i + w).join(''));
  return out;
}

/** A multi-line text: its own newlines kept, control characters escaped, wrapped, indented. */
function block(text: string, width: number, indent = '  '): DetailLine[] {
  const out: DetailLine[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (const line of lines) {
    for (const part of wrap(oneLine(line, Number.MAX_SAFE_INTEGER), width - indent.length)) {
      out.push({ text: indent + part });
      if (out.length >= MAX_BLOCK_LINES) {
        out.push({ text: `${indent}… (${lines.length > 1 ? 'more lines' : 'more text'} not shown)`, style: { dimColor: true } });
        return out;
      }
    }
  }
  return out;
}

function field(name: string, value: string, width: number, style?: InkStyle): DetailLine[] {
  const parts = wrap(oneLine(value, 4000), Math.max(10, width - 14));
  return parts.map((p, i) => ({ text: (i === 0 ? `  ${name.padEnd(11)} ` : ' '.repeat(14)) + p, ...(style ? { style } : {}) }));
}

export function alertSummary(a: Alert): string {
  const count = a.count > 1 ? ` (x${a.count})` : '';
  const silenced = a.silenced_by ? ` [silenced ${a.silenced_by}]` : '';
  return `#${a.id} ${a.severity} ${a.state} ${a.host ?? '-'} ${a.rule_id}: ${a.title}${count}${silenced}`;
}

export function eventDetailLines(d: EventDetail, width: number): DetailLine[] {
  const e = d.event;
  const out: DetailLine[] = [{ text: `Event #${e.id}`, style: HEADING }];
  out.push(...field('time', `${isoTime(e.ts)}${e.ts_fallback ? ' (no time in the message: receive time)' : ''}`, width));
  out.push(...field('received', isoTime(e.received_at), width));
  out.push(...field('host', e.host ?? '-', width));
  out.push(...field('level', e.level === null ? '-' : `${levelName(e.level)} (${e.level})`, width, levelInkStyle(e.level)));
  const src = e.source;
  out.push(...field('source', `${src.kind} ${src.topic}[${src.partition}]${src.offset === null ? '' : `@${src.offset}`}${src.peer ? ` from ${src.peer}` : ''}`, width));
  out.push(...field('format', e.format, width));
  if (e.process !== null || e.pid !== null) out.push(...field('process', `${e.process ?? '-'}${e.pid === null ? '' : ` [${e.pid}]`}`, width));
  if (e.user !== null) out.push(...field('user', e.user, width));
  if (e.src_ip !== null || e.dst_ip !== null) {
    const ep = (ip: string | null, port: number | null) => `${ip ?? '-'}${port === null ? '' : `:${port}`}`;
    out.push(...field('network', `${ep(e.src_ip, e.src_port)} -> ${ep(e.dst_ip, e.dst_port)}`, width));
  }
  if (e.domain !== null) out.push(...field('domain', e.domain, width));
  if (e.file_hash !== null) out.push(...field('file hash', e.file_hash, width));
  if (e.tags.length > 0) out.push(...field('tags', e.tags.join(', '), width));
  const metrics = Object.entries(e.metrics);
  if (metrics.length > 0) out.push(...field('metrics', metrics.map(([k, v]) => `${k}=${v}`).join(' '), width));
  if (e.asset !== null) out.push(...field('asset', JSON.stringify(e.asset), width));
  if (e.parse_error !== null) out.push(...field('parse error', e.parse_error, width, { color: 'yellow' }));

  out.push({ text: '' }, { text: 'Message', style: HEADING }, ...block(e.message, width));

  if (e.threats.length > 0) {
    out.push({ text: '' }, { text: `Threats (${e.threats.length})`, style: HEADING });
    for (const t of e.threats) {
      const extra = t.origin === 'intel' ? ` intel ${t.list ?? ''}${t.indicator ? ` ${t.indicator}` : ''}` : ' from the message';
      for (const part of wrap(`  ${t.severity} ${t.name}${t.tags.length > 0 ? ` [${t.tags.join(', ')}]` : ''}${extra}`, width)) {
        out.push({ text: part, style: severityInkStyle(t.severity) });
      }
    }
  }

  out.push({ text: '' }, { text: `Alerts (${d.alerts.length})`, style: HEADING });
  if (d.alerts.length === 0) out.push({ text: '  none', style: { dimColor: true } });
  for (const a of d.alerts) for (const part of wrap('  ' + oneLine(alertSummary(a), 2000), width)) out.push({ text: part, style: severityInkStyle(a.severity) });

  const attrs = Object.keys(e.attributes);
  out.push({ text: '' }, { text: `Attributes (${attrs.length})`, style: HEADING });
  out.push(...(attrs.length === 0 ? [{ text: '  none', style: { dimColor: true } }] : block(JSON.stringify(e.attributes, null, 2), width)));

  out.push({ text: '' }, { text: `Raw${e.raw_truncated ? ' (cut at the size limit)' : ''}`, style: HEADING });
  out.push(...(e.raw === undefined ? [{ text: '  (not available)', style: { dimColor: true } }] : block(e.raw, width)));
  return out;
}

export function alertDetailLines(a: Alert, width: number): DetailLine[] {
  const out: DetailLine[] = [{ text: `Alert #${a.id}`, style: HEADING }];
  out.push(...field('severity', a.severity, width, severityInkStyle(a.severity)));
  out.push(...field('state', a.state, width));
  if (a.silenced_by) out.push(...field('silenced', `${a.silenced_by} (stored, not notified)`, width, { dimColor: true }));
  out.push(...field('title', a.title, width));
  out.push(...field('rule', a.rule_id, width));
  out.push(...field('host', a.host ?? '-', width));
  out.push(...field('first seen', isoTime(a.first_seen), width));
  out.push(...field('last seen', isoTime(a.last_seen), width));
  out.push(...field('count', String(a.count), width));
  out.push(...field('dedup key', a.dedup_key, width));
  if (a.state_changed_at !== null) out.push(...field('changed', `${isoTime(a.state_changed_at)} by ${a.state_changed_by ?? '-'}`, width));
  if (a.comment !== null) out.push(...field('comment', a.comment, width));
  out.push(...field('events', a.sample_event_ids.length === 0 ? '-' : a.sample_event_ids.map((id) => `#${id}`).join(' '), width));
  return out;
}
