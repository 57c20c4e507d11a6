/**
 * `logagg parse` output: per line, the parser that claimed it and the fields it produced (text:
 * one `name  value` row per field, attributes as dotted paths; --json: one JSON object per line),
 * then the summary.
 */
import { SUMMARY_FIELDS, type ParsedLine, type ParseSummary } from '../../app/parse-lines.js';
import type { Threat } from '../../core/event.js';

/** Top-level names an attribute path would be confused with; those are shown as `attributes.…`. */
const TOP_LEVEL = new Set(['ts', 'host', 'level', 'level_name', 'process', 'pid', 'user', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'domain', 'file_hash', 'metrics', 'threats', 'tags', 'message', 'format', 'attributes', 'source', 'asset', 'raw']);

export function renderLineText(p: ParsedLine): string {
  const where = p.file === '-' ? `line ${p.line}` : `${p.file}:${p.line}`;
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(p.fields)) {
    if (k === 'level_name') continue;
    if (k === 'level') rows.push([k, `${String(v)} ${String(p.fields.level_name ?? '')}`.trimEnd()]);
    else if (k === 'metrics') flatten('metrics', v, rows);
    else if (k === 'threats') rows.push([k, (v as Threat[]).map((t) => `${t.name} (${t.severity})`).join(', ')]);
    else if (k === 'tags') rows.push([k, (v as string[]).join(', ')]);
    else if (k === 'attributes') for (const [ak, av] of Object.entries(v as Record<string, unknown>)) flatten(TOP_LEVEL.has(ak) ? `attributes.${ak}` : ak, av, rows);
    else rows.push([k, show(v)]);
  }
  if (p.parse_error !== null) rows.push(['parse_error', p.parse_error]);
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  const body = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}\n`).join('');
  return `${where}  ${p.parser ?? '-'}  (${p.format})\n${body}`;
}

export function renderLineJson(p: ParsedLine): string {
  return JSON.stringify({ file: p.file, line: p.line, parser: p.parser, format: p.format, fields: p.fields, parse_error: p.parse_error }) + '\n';
}

export function renderSummaryText(s: ParseSummary): string {
  const pct = (n: number): string => (s.lines === 0 ? '0%' : `${Math.round((100 * n) / s.lines)}%`);
  return [
    '--',
    `${s.lines} line${s.lines === 1 ? '' : 's'}, ${s.parse_errors} parse error${s.parse_errors === 1 ? '' : 's'}`,
    `parsers: ${s.parsers.map((p) => `${p.parser} ${p.lines}`).join(', ') || '-'}`,
    `formats: ${s.formats.map((f) => `${f.format} ${f.lines}`).join(', ') || '-'}`,
    `found:   ${SUMMARY_FIELDS.map((f) => `${f} ${s.found[f]} (${pct(s.found[f])})`).join(', ')}`,
    '',
  ].join('\n');
}

export function renderSummaryJson(s: ParseSummary): string {
  return JSON.stringify({ summary: s }) + '\n';
}

function flatten(prefix: string, v: unknown, rows: [string, string][]): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(`${prefix}.${k}`, x, rows);
  } else rows.push([prefix, show(v)]);
}

/** A value on one line: strings as they are unless they hold control characters (then JSON-quoted). */
function show(v: unknown): string {
  if (typeof v === 'string') return /[\u0000-\u001f\u007f]/.test(v) ? JSON.stringify(v) : v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
