import type { MetricKey, Severity, Threat } from '../event.js';
import { parseTimestamp } from '../time.js';
import { ALIAS_TRIE, FIELD_KINDS, type AliasField, type AliasNode } from './aliases.js';
import type { DecodeContext, Draft } from './draft.js';
import { normalizeHost } from './host.js';
import { isIp } from './ip.js';
import { parseLevel } from './level.js';
import { parseSeverity } from './severity.js';

/**
 * Maps a key/value record (parsed JSON object, logfmt pairs) onto a draft through the alias
 * table. Keys that fed a field are removed from the record only when the field holds all of
 * their information; the record — with everything else, nested objects kept nested — becomes
 * `draft.attributes`. Mutates `record`, which the caller must own.
 */
export function mapRecord(record: Record<string, unknown>, draft: Draft, ctx: DecodeContext): void {
  const found = new Map<AliasField, Candidate[]>();
  collect(record, ALIAS_TRIE, null, found);
  for (const [field, list] of found) {
    if (list.length > 1) list.sort((a, b) => a.rank - b.rank);
    // The best-ranked alias whose value fits sets the field; the rest stay in attributes.
    for (const c of list) {
      const r = apply(field, c.value, draft, ctx);
      if (r === FULL) remove(c);
      if (r !== NONE) break;
    }
  }
  draft.attributes = record;
}

interface Parent {
  container: Record<string, unknown>;
  key: string;
  up: Parent | null;
}

interface Candidate {
  rank: number;
  value: unknown;
  container: Record<string, unknown>;
  key: string;
  parent: Parent | null;
}

function collect(obj: Record<string, unknown>, trie: ReadonlyMap<string, AliasNode>, parent: Parent | null, found: Map<AliasField, Candidate[]>): void {
  for (const key of Object.keys(obj)) {
    const node = trie.get(key.toLowerCase());
    if (node === undefined) continue;
    const value = obj[key];
    if (node.children !== null && isPlainObject(value)) {
      collect(value, node.children, { container: obj, key, up: parent }, found);
    } else if (node.field !== null) {
      const c: Candidate = { rank: node.rank, value, container: obj, key, parent };
      const list = found.get(node.field);
      if (list === undefined) found.set(node.field, [c]);
      else list.push(c);
    }
  }
}

/** Deletes the consumed key, then any container it leaves empty. */
function remove(c: Candidate): void {
  delete c.container[c.key];
  let p = c.parent;
  let child = c.container;
  while (p !== null && isEmpty(child)) {
    delete p.container[p.key];
    child = p.container;
    p = p.up;
  }
}

/** apply() results: value unusable for the field / field set, key kept / field set, key consumed. */
const NONE = 0;
const PARTIAL = 1;
const FULL = 2;
type Applied = typeof NONE | typeof PARTIAL | typeof FULL;

const fullIf = (b: boolean): Applied => (b ? FULL : PARTIAL);

/** Sets the draft field from value; says whether the value is fully represented there. */
function apply(field: AliasField, value: unknown, draft: Draft, ctx: DecodeContext): Applied {
  switch (FIELD_KINDS[field]) {
    case 'ts': {
      // Unparseable: stays in attributes under its own key and the next alias is tried.
      const ts = parseTimestamp(value, ctx.receivedAt);
      if (ts === null) return NONE;
      draft.ts = ts;
      draft.tsOriginal = value; // re-filed under _original_ts if the normalizer finds it absurd
      return FULL;
    }
    case 'host': {
      if (typeof value !== 'string') return NONE;
      const h = normalizeHost(value);
      if (h === null) return NONE;
      draft.host = h;
      return FULL;
    }
    case 'level': {
      const l = parseLevel(value);
      if (l === null) return NONE;
      draft.level = l;
      return FULL;
    }
    case 'text':
      if (typeof value !== 'string') return NONE;
      draft.message = value;
      return FULL;
    case 'metric': {
      const n = toMetric(value);
      if (n === null) return NONE;
      draft.metrics[field as MetricKey] = n;
      return FULL;
    }
    case 'name':
    case 'domain': {
      if (typeof value !== 'string' || value.trim().length === 0) return NONE;
      const v = value.trim();
      if (field === 'process') draft.process = v;
      else if (field === 'user') draft.user = v;
      else draft.domain = v;
      return fullIf(v === value);
    }
    case 'pid': {
      const n = toInt(value, 0, 2 ** 31 - 1);
      if (n === null) return NONE;
      draft.pid = n;
      return FULL;
    }
    case 'port': {
      const n = toInt(value, 0, 65535);
      if (n === null) return NONE;
      if (field === 'src_port') draft.src_port = n;
      else draft.dst_port = n;
      return FULL;
    }
    case 'ip': {
      if (typeof value !== 'string') return NONE;
      const v = value.trim();
      if (!isIp(v)) return NONE;
      if (field === 'src_ip') draft.src_ip = v;
      else draft.dst_ip = v;
      return fullIf(v === value);
    }
    case 'hash': {
      const h = typeof value === 'string' ? normalizeHash(value) : null;
      if (h === null) return NONE;
      draft.file_hash = h;
      return FULL;
    }
    case 'threats':
      return applyThreats(value, draft);
    case 'tags':
      return applyTags(value, draft);
  }
}

/** Number, numeric string, or a percentage string (`93.5%`); null otherwise. */
function toMetric(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  let s = value.trim();
  if (s.endsWith('%')) s = s.slice(0, -1).trimEnd();
  return isDecimal(s) ? Number(s) : null;
}

function toInt(value: unknown, min: number, max: number): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && value.length > 0 && value.length <= 10 && isDigits(value)) n = Number(value);
  else return null;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/**
 * md5/sha1/sha256 hex, lower-cased; an `sha256:`/`SHA256=` style prefix is dropped (the
 * algorithm follows from the length). Null when not hex of one of those lengths.
 */
export function normalizeHash(value: string): string | null {
  let s = value.trim();
  const sep = Math.max(s.lastIndexOf(':'), s.lastIndexOf('='));
  if (sep >= 0 && sep <= 7) s = s.slice(sep + 1);
  if (s.length !== 32 && s.length !== 40 && s.length !== 64) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return null;
  }
  return s.toLowerCase();
}

const THREAT_KEYS: ReadonlySet<string> = new Set(['name', 'severity', 'tags']);

/**
 * `threats`: an array of {name, severity, tags} objects or names, or a single such object.
 * Missing severity → MEDIUM; unrecognized severity → MEDIUM and the original array is kept in
 * attributes, as it is when an element has other keys or is neither object nor string.
 */
function applyThreats(value: unknown, draft: Draft): Applied {
  const list = Array.isArray(value) ? value : isPlainObject(value) ? [value] : null;
  if (list === null) return NONE;
  let full = true;
  for (const el of list) {
    if (typeof el === 'string' && el.trim().length > 0) {
      draft.threats.push({ name: el.trim(), severity: 'MEDIUM', tags: [], origin: 'message' });
      full &&= el === el.trim();
      continue;
    }
    if (!isPlainObject(el)) {
      full = false;
      continue;
    }
    const t = toThreat(el);
    draft.threats.push(t.threat);
    full &&= t.full;
  }
  return fullIf(full);
}

function toThreat(el: Record<string, unknown>): { threat: Threat; full: boolean } {
  let full = true;
  for (const k of Object.keys(el)) if (!THREAT_KEYS.has(k)) full = false;
  let severity: Severity = 'MEDIUM';
  if (el.severity !== undefined) {
    const s = parseSeverity(el.severity);
    if (s === null) full = false;
    else severity = s;
  }
  const tags: string[] = [];
  if (el.tags !== undefined) full = addTags(el.tags, tags) && full;
  let name = typeof el.name === 'string' ? el.name.trim() : '';
  if (el.name !== undefined && (typeof el.name !== 'string' || name !== el.name)) full = false;
  if (name.length === 0) name = tags.length > 0 ? tags.join(',') : 'unnamed';
  return { threat: { name, severity, tags, origin: 'message' }, full };
}

function applyTags(value: unknown, draft: Draft): Applied {
  if (typeof value !== 'string' && !Array.isArray(value)) return NONE;
  return fullIf(addTags(value, draft.tags));
}

/** Tags from an array of strings or a comma-separated string, trimmed, deduplicated. */
export function addTags(value: unknown, into: string[]): boolean {
  if (typeof value === 'string') {
    for (const part of value.split(',')) pushTag(part.trim(), into);
    return true;
  }
  if (!Array.isArray(value)) return false;
  let full = true;
  for (const t of value) {
    if (typeof t === 'string') pushTag(t.trim(), into);
    else full = false;
  }
  return full;
}

function pushTag(t: string, into: string[]): void {
  if (t.length > 0 && !into.includes(t)) into.push(t);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmpty(o: Record<string, unknown>): boolean {
  for (const _ in o) return false;
  return true;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `-12`, `3.5`, `.5`, `1e9`: what JSON would call a number, plus a leading `.`. */
export function isDecimal(s: string): boolean {
  let i = 0;
  if (s.charCodeAt(0) === 45) i++;
  let digitsSeen = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) (i++, digitsSeen++);
  if (s.charCodeAt(i) === 46) {
    i++;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) (i++, digitsSeen++);
  }
  if (digitsSeen === 0) return false;
  const e = s.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const expStart = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === expStart) return false;
  }
  return i === s.length;
}

/**
 * Sets one event field from a value found outside a key/value record (an operator extractor's
 * capture), with the same conversion and checks as a mapped key: ports numeric 0..65535, IPs
 * checked, timestamps parsed, hosts normalized. False when the value does not fit the field.
 */
export function setField(field: AliasField, value: unknown, draft: Draft, ctx: DecodeContext): boolean {
  return apply(field, value, draft, ctx) !== NONE;
}
