import { normalizeHash } from './decode/field-mapper.js';
import { ipv4MappedToV4, parseIpv4, parseIpv6 } from './decode/ip.js';
import type { Severity } from './event.js';

/**
 * Threat-intel lists compiled into lookup tables, once at start (or on reload); lookups are
 * per event field, so they avoid scanning lists:
 * - ip: exact addresses in a Map keyed by integer (IPv4 number, IPv6 bigint); CIDRs in one Map
 *   per prefix length keyed by the masked network, so a lookup costs one probe per distinct
 *   prefix length in the lists. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is looked up as IPv4. A CIDR
 *   with host bits set (`10.1.2.3/8`) is taken as its network.
 * - domain: exact names; a listed domain also matches its subdomains (`evil.com` matches
 *   `a.evil.com`, not `notevil.com`). A leading `*.` or `.` is dropped. Case-insensitive.
 * - process: names compared by basename (after the last `/` or `\`), case-insensitive.
 * - hash: md5/sha1/sha256 hex, case-insensitive (an `sha256:` style prefix is dropped).
 * Indicators that do not parse for their kind are reported in `rejected`, not indexed.
 */

export const INTEL_KINDS = ['ip', 'domain', 'process', 'hash'] as const;
export type IntelKind = (typeof INTEL_KINDS)[number];

export interface IntelListSpec {
  name: string;
  kind: IntelKind;
  severity: Severity;
  tags: readonly string[];
  /** One indicator per entry, as read from the list file. */
  indicators: readonly string[];
}

/** One list's match: the list's metadata and the indicator (as listed, normalized) that matched. */
export interface IntelHit {
  list: string;
  severity: Severity;
  tags: readonly string[];
  indicator: string;
}

export interface RejectedIndicator {
  list: string;
  indicator: string;
  reason: string;
}

export interface IntelIndex {
  /** Indicators indexed over all lists. */
  readonly size: number;
  readonly rejected: readonly RejectedIndicator[];
  matchIp(ip: string): readonly IntelHit[];
  matchDomain(domain: string): readonly IntelHit[];
  matchProcess(nameOrPath: string): readonly IntelHit[];
  matchHash(hash: string): readonly IntelHit[];
}

const NONE: readonly IntelHit[] = Object.freeze([]);

interface PrefixTable<K> {
  len: number;
  nets: Map<K, IntelHit[]>;
}

export function buildIntelIndex(lists: readonly IntelListSpec[]): IntelIndex {
  const v4Exact = new Map<number, IntelHit[]>();
  const v6Exact = new Map<bigint, IntelHit[]>();
  const v4Prefix = new Map<number, Map<number, IntelHit[]>>();
  const v6Prefix = new Map<number, Map<bigint, IntelHit[]>>();
  const domains = new Map<string, IntelHit[]>();
  const processes = new Map<string, IntelHit[]>();
  const hashes = new Map<string, IntelHit[]>();
  const rejected: RejectedIndicator[] = [];
  let size = 0;

  for (const list of lists) {
    const tags = Object.freeze([...list.tags]);
    for (const rawIndicator of list.indicators) {
      const ind = rawIndicator.trim();
      if (ind.length === 0) continue;
      const reject = (reason: string): void => void rejected.push({ list: list.name, indicator: ind, reason });
      const hit = (indicator: string): IntelHit => ({ list: list.name, severity: list.severity, tags, indicator });
      let added = false;
      switch (list.kind) {
        case 'ip': {
          const cidr = parseCidr(ind);
          if (cidr === null) {
            reject('not an IP address or CIDR');
            continue;
          }
          if (cidr.v4 !== null) {
            if (cidr.len === 32) added = addHit(v4Exact, cidr.v4, hit(ind));
            else added = addHit(tableFor(v4Prefix, cidr.len), maskV4(cidr.v4, cidr.len), hit(ind));
          } else if (cidr.v6 !== null) {
            if (cidr.len === 128) added = addHit(v6Exact, cidr.v6, hit(ind));
            else added = addHit(tableFor(v6Prefix, cidr.len), maskV6(cidr.v6, cidr.len), hit(ind));
          }
          break;
        }
        case 'domain': {
          const d = normalizeDomain(ind.startsWith('*.') ? ind.slice(2) : ind.startsWith('.') ? ind.slice(1) : ind);
          if (d === null) {
            reject('not a domain name');
            continue;
          }
          if (parseIpv4(d) !== null || d.indexOf(':') >= 0) {
            reject('an IP address in a domain list (use kind: ip)');
            continue;
          }
          added = addHit(domains, d, hit(d));
          break;
        }
        case 'process': {
          const name = basename(ind).toLowerCase();
          if (name.length === 0) {
            reject('empty process name');
            continue;
          }
          added = addHit(processes, name, hit(ind));
          break;
        }
        case 'hash': {
          const h = normalizeHash(ind);
          if (h === null) {
            reject('not an md5, sha1 or sha256 hex digest');
            continue;
          }
          added = addHit(hashes, h, hit(h));
          break;
        }
        default:
          reject(`unknown list kind '${String(list.kind)}'`);
          continue;
      }
      if (added) size++;
    }
  }

  // Longest prefix first: hits come out most specific first.
  const v4Tables: PrefixTable<number>[] = [...v4Prefix].map(([len, nets]) => ({ len, nets })).sort((a, b) => b.len - a.len);
  const v6Tables: PrefixTable<bigint>[] = [...v6Prefix].map(([len, nets]) => ({ len, nets })).sort((a, b) => b.len - a.len);

  const matchV4 = (ip: number): readonly IntelHit[] => {
    let out: IntelHit[] | null = null;
    const exact = v4Exact.get(ip);
    if (exact !== undefined) out = [...exact];
    for (const t of v4Tables) {
      const hits = t.nets.get(maskV4(ip, t.len));
      if (hits !== undefined) (out ??= []).push(...hits);
    }
    return out ?? NONE;
  };

  return {
    size,
    rejected,
    matchIp(ip: string): readonly IntelHit[] {
      if (ip.indexOf(':') < 0) {
        if (v4Exact.size === 0 && v4Tables.length === 0) return NONE;
        const v4 = parseIpv4(ip);
        return v4 === null ? NONE : matchV4(v4);
      }
      const v6 = parseIpv6(ip);
      if (v6 === null) return NONE;
      const mapped = ipv4MappedToV4(v6);
      if (mapped !== null) return matchV4(mapped);
      let out: IntelHit[] | null = null;
      const exact = v6Exact.get(v6);
      if (exact !== undefined) out = [...exact];
      for (const t of v6Tables) {
        const hits = t.nets.get(maskV6(v6, t.len));
        if (hits !== undefined) (out ??= []).push(...hits);
      }
      return out ?? NONE;
    },
    matchDomain(domain: string): readonly IntelHit[] {
      if (domains.size === 0) return NONE;
      const d = normalizeDomain(domain);
      if (d === null) return NONE;
      let out: IntelHit[] | null = null;
      // evil.com matches a.b.evil.com: probe the name and every suffix that starts after a dot.
      let i = 0;
      for (;;) {
        const hits = domains.get(i === 0 ? d : d.slice(i));
        if (hits !== undefined) (out ??= []).push(...hits);
        const dot = d.indexOf('.', i);
        if (dot < 0) break;
        i = dot + 1;
      }
      return out ?? NONE;
    },
    matchProcess(nameOrPath: string): readonly IntelHit[] {
      if (processes.size === 0) return NONE;
      return processes.get(basename(nameOrPath.trim()).toLowerCase()) ?? NONE;
    },
    matchHash(hash: string): readonly IntelHit[] {
      if (hashes.size === 0) return NONE;
      const h = normalizeHash(hash);
      return h === null ? NONE : (hashes.get(h) ?? NONE);
    },
  };
}

/** An index with no lists. */
export const EMPTY_INTEL: IntelIndex = buildIntelIndex([]);

/** `a.b.c.d`, `a.b.c.d/n`, IPv6, IPv6/n. IPv4-mapped IPv6 is stored as IPv4. */
export function parseCidr(s: string): { v4: number | null; v6: bigint | null; len: number } | null {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  let len = -1;
  if (slash >= 0) {
    const l = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(l)) return null;
    len = Number(l);
  }
  if (addr.indexOf(':') < 0) {
    const v4 = parseIpv4(addr);
    if (v4 === null || len > 32) return null;
    return { v4, v6: null, len: len < 0 ? 32 : len };
  }
  const v6 = parseIpv6(addr);
  if (v6 === null || len > 128) return null;
  const mapped = ipv4MappedToV4(v6);
  if (mapped !== null && (len < 0 || len >= 96)) return { v4: mapped, v6: null, len: len < 0 ? 32 : len - 96 };
  return { v4: null, v6, len: len < 0 ? 128 : len };
}

function maskV4(ip: number, len: number): number {
  if (len === 0) return 0;
  return (ip & ((0xffffffff << (32 - len)) >>> 0)) >>> 0;
}

function maskV6(ip: bigint, len: number): bigint {
  return len === 0 ? 0n : ip >> BigInt(128 - len);
}

function tableFor<K>(tables: Map<number, Map<K, IntelHit[]>>, len: number): Map<K, IntelHit[]> {
  let t = tables.get(len);
  if (t === undefined) {
    t = new Map();
    tables.set(len, t);
  }
  return t;
}

/** Adds a hit unless the same list already has that indicator there; true when added. */
function addHit<K>(map: Map<K, IntelHit[]>, key: K, hit: IntelHit): boolean {
  const hits = map.get(key);
  if (hits === undefined) {
    map.set(key, [hit]);
    return true;
  }
  if (hits.some((h) => h.list === hit.list)) return false;
  hits.push(hit);
  return true;
}

/** Lower-case, trailing dot dropped; null when empty or holding spaces or slashes. */
function normalizeDomain(s: string): string | null {
  let d = s.trim().toLowerCase();
  while (d.endsWith('.')) d = d.slice(0, -1);
  if (d.length === 0 || d.length > 253) return null;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c <= 32 || c === 47 || c === 92 || c === 64) return null;
  }
  return d;
}

function basename(p: string): string {
  const cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return cut < 0 ? p : p.slice(cut + 1);
}
