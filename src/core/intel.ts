import { normalizeHash } from './decode/field-mapper.js';
import { parseIpv4 } from './decode/ip.js';
import type { Severity } from './event.js';
import { CidrTable, parseCidr } from './net/cidr.js';

/**
 * Threat-intel lists compiled into lookup tables, once at start (or on reload); lookups are
 * per event field, so they avoid scanning lists:
 * - ip: addresses and CIDRs in a CidrTable (src/core/net/cidr.ts, the ranges rules use): one Map
 *   per prefix length keyed by the network, so a lookup costs one probe per distinct prefix
 *   length in the lists; a bare address is a /32 or /128. Hits come most specific first. An
 *   IPv4-mapped IPv6 entry (`::ffff:a.b.c.d`, or a range of prefix >= 96) is an IPv4 entry; an
 *   IPv4-mapped address is looked up as IPv4, then as IPv6 (`::/0` holds it). A CIDR with host
 *   bits set (`10.1.2.3/8`) is taken as its network.
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

export function buildIntelIndex(lists: readonly IntelListSpec[]): IntelIndex {
  const ips = new CidrTable<IntelHit[]>();
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
          added = addTo(ips.slot(cidr, () => []), hit(ind));
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

  return {
    size,
    rejected,
    matchIp(ip: string): readonly IntelHit[] {
      const found = ips.lookup(ip);
      if (found === null) return NONE;
      const out = (found[0] as IntelHit[]).slice();
      for (let k = 1; k < found.length; k++) out.push(...(found[k] as IntelHit[]));
      return out;
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

/** Adds a hit unless the same list already has that indicator there; true when added. */
function addHit<K>(map: Map<K, IntelHit[]>, key: K, hit: IntelHit): boolean {
  let hits = map.get(key);
  if (hits === undefined) map.set(key, (hits = []));
  return addTo(hits, hit);
}

/** Adds a hit to the hits of one indicator unless its list is there already; true when added. */
function addTo(hits: IntelHit[], hit: IntelHit): boolean {
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
