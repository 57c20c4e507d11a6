import type { Draft } from '../../decode/draft.js';
import { capText, setOwn } from '../../decode/draft.js';
import { ipv4MappedToV4, isIp, parseIpv6 } from '../../decode/ip.js';

/**
 * The machinery shared by the program tables: a pattern is data (an anchored regex with named
 * groups, the action it means, the outcome), applied by one loop. Adding a program is adding a
 * table in a file beside this one and one line in index.ts.
 */

export type Outcome = 'success' | 'failure' | 'unknown';
export type Groups = Record<string, string | undefined>;

/** What a pattern (or a matched group, see `when`) says about the event. */
export interface Verdict {
  action?: string;
  outcome?: Outcome;
  reason?: string;
}

export interface ProgramPattern extends Verdict {
  /**
   * Anchored at `^`, bounded quantifiers only: it runs on every message of the program, up to
   * 64 KiB long. Group names are field names (see `GROUP_FIELDS` and `fields`).
   */
  re: RegExp;
  action: string;
  /** Group name → attribute path, for groups not named in GROUP_FIELDS. */
  fields?: Record<string, string>;
  /** Overrides applied, in order, for each group that matched (e.g. `invalid` → invalid-user). */
  when?: Record<string, Verdict>;
  /** Outcome from the word a group caught (`Failed` → failure). */
  outcomeBy?: { group: string; map: Record<string, Outcome> };
  /** What the regex cannot say: key=value tails, derived values. Runs after the fields are set. */
  then?: (g: Groups, draft: Draft) => void;
}

export interface ProgramTable {
  /** The name `claim` records (`sshd`, `pam`, …). */
  name: string;
  patterns: readonly ProgramPattern[];
}

/**
 * Group names with a fixed meaning in every table. `src_ip`/`dst_ip` groups take an address or
 * a host name (sshd with UseDNS, pam's rhost): a name goes to `source.domain`/`destination.domain`.
 */
const GROUP_FIELDS: Record<string, string> = {
  method: 'ssh.method',
  fp: 'ssh.key_fingerprint',
  target: 'user.target.name',
  cmd: 'process.command_line',
  pwd: 'process.working_directory',
  tty: 'process.tty',
  uid: 'user.id',
  gid: 'group.id',
  group: 'group.name',
};

/** Longest value kept from one group (a user name, a command line). */
const VALUE_MAX = 4096;

/**
 * The literal text a pattern's regex starts with (`^Failed ` → `Failed `), '' when it starts
 * with a group or class. Checked with startsWith before the regex runs: most messages of a
 * program match none of its patterns, and a failed startsWith is much cheaper than a failed exec.
 */
const LEADS = new WeakMap<RegExp, string>();

export function literalLead(re: RegExp): string {
  let lead = LEADS.get(re);
  if (lead !== undefined) return lead;
  const src = re.source;
  let i = src.startsWith('^') ? 1 : src.length;
  let out = '';
  for (; i < src.length; i++) {
    const c = src[i]!;
    if ('\\^$.|?*+()[]{}'.includes(c)) {
      // A quantifier makes the character before it optional.
      if ('?*{'.includes(c) && out.length > 0) out = out.slice(0, -1);
      break;
    }
    out += c;
  }
  lead = re.flags.includes('i') || hasTopLevelAlternation(src) ? '' : out;
  LEADS.set(re, lead);
  return lead;
}

/** `^a|b`: the anchor and the lead belong to the first alternative only. */
function hasTopLevelAlternation(src: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** Tries the table's patterns in order; the first that matches fills the draft. */
export function applyTable(table: ProgramTable, text: string, draft: Draft): boolean {
  for (const p of table.patterns) {
    const lead = literalLead(p.re);
    if (lead.length > 0 && !text.startsWith(lead)) continue;
    const m = p.re.exec(text);
    if (m === null) continue;
    applyMatch(p, m.groups ?? {}, draft);
    return true;
  }
  return false;
}

function applyMatch(p: ProgramPattern, g: Groups, draft: Draft): void {
  let v: Verdict = { action: p.action, outcome: p.outcome, reason: p.reason };
  if (p.outcomeBy !== undefined) {
    const word = g[p.outcomeBy.group];
    const o = word === undefined ? undefined : p.outcomeBy.map[word];
    if (o !== undefined) v.outcome = o;
  }
  if (p.when !== undefined) {
    for (const name of Object.keys(p.when)) if (g[name] !== undefined) v = { ...v, ...p.when[name] };
  }
  for (const name of Object.keys(g)) {
    const value = g[name];
    if (value === undefined) continue;
    const path = p.fields?.[name] ?? GROUP_FIELDS[name];
    if (path !== undefined) setAttr(draft, path, capText(value, VALUE_MAX));
    else setTopLevel(draft, name, value);
  }
  setVerdict(draft, v);
  p.then?.(g, draft);
}

export function setVerdict(draft: Draft, v: Verdict): void {
  if (v.action !== undefined) setAttr(draft, 'event.action', v.action);
  if (v.outcome !== undefined) setAttr(draft, 'event.outcome', v.outcome);
  if (v.reason !== undefined) setAttr(draft, 'event.reason', v.reason);
}

/**
 * Top-level fields by group name, and the host-name groups; other names are ignored (helper
 * groups like `verdict`).
 */
export function setTopLevel(draft: Draft, name: string, value: string): void {
  switch (name) {
    case 'user':
      setUser(draft, value);
      return;
    case 'src_ip':
      setAddress(draft, 'src', value);
      return;
    case 'dst_ip':
      setAddress(draft, 'dst', value);
      return;
    case 'src_port':
      draft.src_port = port(value) ?? draft.src_port;
      return;
    case 'dst_port':
      draft.dst_port = port(value) ?? draft.dst_port;
      return;
    case 'src_host':
    case 'dst_host':
      // A name the program resolved; postfix's `unknown`/`none` and an address repeated say none.
      if (value !== 'unknown' && value !== 'none' && normalizeIp(value) === null && isHostName(value)) {
        setAttr(draft, name === 'src_host' ? 'source.domain' : 'destination.domain', value.toLowerCase());
      }
      return;
    case 'domain':
      if (value.length > 0) draft.domain = capText(value.toLowerCase(), 255);
      return;
  }
}

/** An empty name or `?`/`(unknown)` says nobody: the field stays as it was. */
export function setUser(draft: Draft, value: string): void {
  const u = value.trim();
  if (u.length === 0 || u === '?' || u === '(unknown)' || u === 'UNKNOWN') return;
  draft.user = capText(u, 256);
}

/**
 * An address into src_ip/dst_ip (`::ffff:a.b.c.d` as a.b.c.d, so one client is one value
 * whichever socket it reached); a host name into source.domain/destination.domain.
 */
export function setAddress(draft: Draft, side: 'src' | 'dst', value: string): void {
  const ip = normalizeIp(value);
  if (ip !== null) {
    if (side === 'src') draft.src_ip = ip;
    else draft.dst_ip = ip;
    return;
  }
  if (isHostName(value)) setAttr(draft, side === 'src' ? 'source.domain' : 'destination.domain', value.toLowerCase());
}

/** The address as stored, or null when `s` is not one. */
export function normalizeIp(s: string): string | null {
  if (s.length === 0 || s.length > 64 || !isIp(s)) return null;
  if (s.indexOf(':') < 0) return s;
  const v6 = parseIpv6(s);
  const v4 = v6 === null ? null : ipv4MappedToV4(v6);
  if (v4 === null) return s.toLowerCase();
  return `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`;
}

function isHostName(s: string): boolean {
  return s.length > 0 && s.length <= 255 && s !== '?' && /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s);
}

export function port(s: string): number | null {
  if (s.length === 0 || s.length > 5) return null;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null;
}

/** Attribute paths split once: they come from the tables, a few dozen in all. */
const PATHS = new Map<string, readonly string[]>();

/**
 * Sets `attributes.<a.b.c>`, creating the objects on the way. A non-object already at a step
 * (an envelope's `event: "x"`) is left alone and the value dropped rather than clobbering it.
 * Paths are the tables' constants, never message text.
 */
export function setAttr(draft: Draft, path: string, value: unknown): void {
  let parts = PATHS.get(path);
  if (parts === undefined) {
    parts = path.split('.');
    if (PATHS.size < 1024) PATHS.set(path, parts);
  }
  let obj: Record<string, unknown> = draft.attributes;
  const last = parts.length - 1;
  for (let i = 0; i < last; i++) {
    const k = parts[i]!;
    const next = Object.hasOwn(obj, k) ? obj[k] : undefined;
    if (next === undefined) {
      const fresh: Record<string, unknown> = {};
      setOwn(obj, k, fresh);
      obj = fresh;
    } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      obj = next as Record<string, unknown>;
    } else return;
  }
  setOwn(obj, parts[last]!, value);
}

/**
 * `key=value` pairs separated by blanks, as pam and sshd write them (`logname= uid=0 euid=0
 * tty=ssh ruser= rhost=203.0.113.5  user=root`): an empty value is kept as ''. At most 64 pairs.
 */
export function scanBlankPairs(s: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const n = s.length;
  while (i < n && out.size < 64) {
    while (i < n && s.charCodeAt(i) === 32) i++;
    let j = i;
    while (j < n && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 61) j++;
    if (j >= n || s.charCodeAt(j) !== 61) {
      i = j;
      continue;
    }
    const key = s.slice(i, j);
    let k = j + 1;
    while (k < n && s.charCodeAt(k) !== 32) k++;
    if (key.length > 0 && !out.has(key)) out.set(key, s.slice(j + 1, k));
    i = k;
  }
  return out;
}
