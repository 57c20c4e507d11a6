import type { NormalizedEvent } from '../event.js';
import type { FieldReader } from '../fields.js';
import { compileReader, readValues } from '../fields.js';
import type { Problems } from './problems.js';
import { formatBytes, formatDuration, formatNumber } from './units.js';

/**
 * Title templates: `CPU {cpu_pct}% on {host}`. A placeholder names a rule variable (`count`,
 * `score`… per kind) or else a field path of the triggering event; `{process|threats.name}`
 * takes the first that has a value; `{net_out:bytes}` formats a number of bytes (`52.4 MB`),
 * `{x:duration}` milliseconds (`5m`). `{{` and `}}` are literal braces. A missing value renders
 * as `?`. Titles are cut at MAX_TITLE characters.
 */
export const MAX_TITLE = 256;
const FORMATS = ['bytes', 'duration'] as const;
type Format = (typeof FORMATS)[number];

type Part = string | { names: { name: string; read: FieldReader }[]; format: Format | null };

export interface Template {
  readonly source: string;
  render(ev: NormalizedEvent, vars?: Readonly<Record<string, unknown>>): string;
}

/** Null (with a problem recorded) when the template is malformed. */
export function compileTemplate(source: string, where: string, problems: Problems): Template | null {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '{' && source[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (c === '}' && source[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (c === '}') {
      problems.add(where, `unmatched "}" at position ${i + 1} (write }} for a literal brace)`);
      return null;
    } else if (c === '{') {
      const end = source.indexOf('}', i);
      if (end < 0) {
        problems.add(where, `unclosed "{" at position ${i + 1} (write {{ for a literal brace)`);
        return null;
      }
      const inner = source.slice(i + 1, end).trim();
      const [name, fmt, ...rest] = inner.split(':');
      const names = (name ?? '').split('|').map((n) => n.trim());
      if (name === undefined || names.some((n) => !/^[^\s{}|]+$/.test(n)) || rest.length > 0) {
        problems.add(where, `"{${inner}}" is not a placeholder (write {field} or {field:bytes})`);
        return null;
      }
      if (fmt !== undefined && !(FORMATS as readonly string[]).includes(fmt)) {
        problems.add(where, `unknown format "${fmt}" in {${inner}} (known: ${FORMATS.join(', ')})`);
        return null;
      }
      if (text !== '') parts.push(text);
      text = '';
      parts.push({ names: names.map((n) => ({ name: n, read: compileReader(n) })), format: (fmt as Format | undefined) ?? null });
      i = end + 1;
    } else {
      text += c;
      i++;
    }
  }
  if (text !== '') parts.push(text);
  return {
    source,
    render(ev, vars) {
      let out = '';
      for (const p of parts) {
        if (typeof p === 'string') out += p;
        else out += renderValue(firstValue(p.names, ev, vars), p.format);
      }
      return out.length > MAX_TITLE ? out.slice(0, MAX_TITLE - 1) + '…' : out;
    },
  };
}

function firstValue(names: readonly { name: string; read: FieldReader }[], ev: NormalizedEvent, vars: Readonly<Record<string, unknown>> | undefined): unknown {
  for (const { name, read } of names) {
    const v = vars !== undefined && Object.hasOwn(vars, name) ? vars[name] : read(ev);
    if (readValues(v, 1).length > 0) return v;
  }
  return undefined;
}

function renderValue(v: unknown, format: Format | null): string {
  const values = readValues(v, 5);
  if (values.length === 0) return '?';
  return values.map((x) => renderOne(x, format)).join(', ');
}

function renderOne(v: unknown, format: Format | null): string {
  if (typeof v === 'number') {
    if (format === 'bytes') return formatBytes(v);
    if (format === 'duration') return formatDuration(Math.round(v));
    return formatNumber(v);
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? '?';
}
