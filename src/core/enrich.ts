import { hostOfUrl, normalizeHost } from './decode/host.js';
import { isIp } from './decode/ip.js';
import type { AssetInfo, Metrics, NormalizedEvent, Threat } from './event.js';
import type { IntelHit, IntelIndex } from './intel.js';
import { EMPTY_INTEL } from './intel.js';

/**
 * Enrichment: pure, data in, data out. Adds, in this order:
 * 1. host normalization (normalizeHost: lower-case, trimmed, no trailing dot; IPs kept);
 * 2. derived metrics: mem_pct = mem_used / mem_total × 100, rounded to 2 decimals, when missing
 *    (nothing is clamped: a cpu_pct of 250 stays 250);
 * 3. the asset inventory entry for the host → `asset`, its tags merged into `tags`;
 * 4. threat-intel matches → `threats` (origin 'intel', no duplicates), checked against src_ip,
 *    dst_ip, domain, process, file_hash and these top-level string attributes:
 *    IPs:     ip, dvc, sourceTranslatedAddress, destinationTranslatedAddress, and the first
 *             8 entries of x_forwarded_for / forwarded_for (comma lists);
 *    domains: shost, dhost, dns_query, query, qname, server_name, sni (names), and the host
 *             part of url, request_url, requestUrl, referer, referrer.
 *    The event's own `host` is the log source and is not checked.
 * Returns the same event object when nothing changed, else a new one; never mutates its input.
 */

export interface EnrichContext {
  assets: AssetInventory;
  intel: IntelIndex;
}

/** One inventory entry: `host` is an exact name, an IP, or a glob (`*`, `?`), case-insensitive. */
export interface AssetEntry extends AssetInfo {
  host: string;
}

export interface AssetInventory {
  readonly size: number;
  /** The entry for a (normalized) host: an exact name first, else the first glob that matches. */
  lookup(host: string): AssetInfo | null;
}

/** Globs are tried in this many hosts' worth of cache before being re-evaluated. */
const GLOB_CACHE_MAX = 4096;

export function buildAssetInventory(entries: readonly AssetEntry[]): AssetInventory {
  const exact = new Map<string, AssetInfo>();
  const globs: { pattern: string; info: AssetInfo }[] = [];
  for (const e of entries) {
    const info = assetInfo(e);
    const h = e.host.trim().toLowerCase();
    if (h.indexOf('*') >= 0 || h.indexOf('?') >= 0) globs.push({ pattern: h, info });
    else {
      const n = normalizeHost(h);
      if (n !== null && !exact.has(n)) exact.set(n, info);
    }
  }
  // Matching globs is the slow path; hosts repeat, so remember answers (a bounded memo).
  const cache = new Map<string, AssetInfo | null>();
  return {
    size: exact.size + globs.length,
    lookup(host: string): AssetInfo | null {
      const hit = exact.get(host);
      if (hit !== undefined) return hit;
      if (globs.length === 0) return null;
      const cached = cache.get(host);
      if (cached !== undefined) return cached;
      let found: AssetInfo | null = null;
      for (const g of globs) {
        if (globMatch(g.pattern, host)) {
          found = g.info;
          break;
        }
      }
      if (cache.size >= GLOB_CACHE_MAX) cache.clear();
      cache.set(host, found);
      return found;
    },
  };
}

export const EMPTY_ASSETS: AssetInventory = buildAssetInventory([]);

export const EMPTY_ENRICH_CONTEXT: EnrichContext = { assets: EMPTY_ASSETS, intel: EMPTY_INTEL };

export function enrich(event: NormalizedEvent, ctx: EnrichContext): NormalizedEvent {
  const host = event.host === null ? null : normalizeHost(event.host);
  const metrics = deriveMetrics(event.metrics);
  const asset = host === null ? null : ctx.assets.lookup(host);
  const tags = asset?.tags !== undefined && asset.tags.length > 0 ? mergeTags(event.tags, asset.tags) : event.tags;
  const threats = ctx.intel.size > 0 ? intelThreats(event, ctx.intel) : event.threats;
  if (host === event.host && metrics === event.metrics && asset === null && tags === event.tags && threats === event.threats) return event;
  return {
    ...event,
    host,
    metrics,
    asset: asset === null ? event.asset : copyAsset(asset),
    tags,
    threats,
  };
}

/** mem_pct from mem_used/mem_total when absent; the same object when there is nothing to add. */
export function deriveMetrics(m: Metrics): Metrics {
  if (m.mem_pct !== undefined || m.mem_used === undefined || m.mem_total === undefined) return m;
  if (!(m.mem_total > 0) || !Number.isFinite(m.mem_used) || !Number.isFinite(m.mem_total)) return m;
  return { ...m, mem_pct: Math.round((m.mem_used / m.mem_total) * 10000) / 100 };
}

const ATTR_IP_KEYS = ['ip', 'dvc', 'sourceTranslatedAddress', 'destinationTranslatedAddress'] as const;
const ATTR_IP_LIST_KEYS = ['x_forwarded_for', 'forwarded_for'] as const;
const ATTR_DOMAIN_KEYS = ['shost', 'dhost', 'dns_query', 'query', 'qname', 'server_name', 'sni'] as const;
const ATTR_URL_KEYS = ['url', 'request_url', 'requestUrl', 'referer', 'referrer'] as const;
const MAX_FORWARDED = 8;

function intelThreats(event: NormalizedEvent, intel: IntelIndex): Threat[] {
  let added: Threat[] | null = null;
  const add = (hits: readonly IntelHit[]): void => {
    for (const h of hits) {
      if (hasIntelThreat(event.threats, h) || (added !== null && hasIntelThreat(added, h))) continue;
      (added ??= []).push({ name: h.list, severity: h.severity, tags: [...h.tags], origin: 'intel', list: h.list, indicator: h.indicator });
    }
  };
  if (event.src_ip !== null) add(intel.matchIp(event.src_ip));
  if (event.dst_ip !== null) add(intel.matchIp(event.dst_ip));
  if (event.domain !== null) add(intel.matchDomain(event.domain));
  if (event.process !== null) add(intel.matchProcess(event.process));
  if (event.file_hash !== null) add(intel.matchHash(event.file_hash));

  const a = event.attributes;
  for (const k of ATTR_IP_KEYS) {
    const v = ownString(a, k);
    if (v !== null && isIp(v)) add(intel.matchIp(v));
  }
  for (const k of ATTR_IP_LIST_KEYS) {
    const v = ownString(a, k);
    if (v === null) continue;
    const parts = v.split(',', MAX_FORWARDED);
    for (const p of parts) add(intel.matchIp(p.trim()));
  }
  for (const k of ATTR_DOMAIN_KEYS) {
    const v = ownString(a, k);
    if (v !== null && !isIp(v)) add(intel.matchDomain(v));
  }
  for (const k of ATTR_URL_KEYS) {
    const v = ownString(a, k);
    if (v === null) continue;
    const h = hostOfUrl(v);
    if (h === null) continue;
    add(isIp(h) ? intel.matchIp(h) : intel.matchDomain(h));
  }
  return added === null ? event.threats : [...event.threats, ...(added as Threat[])];
}

function hasIntelThreat(threats: readonly Threat[], h: IntelHit): boolean {
  for (const t of threats) if (t.origin === 'intel' && t.list === h.list && t.indicator === h.indicator) return true;
  return false;
}

function ownString(o: Record<string, unknown>, k: string): string | null {
  if (!Object.prototype.hasOwnProperty.call(o, k)) return null;
  const v = o[k];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function mergeTags(own: readonly string[], extra: readonly string[]): string[] {
  let out: string[] | null = null;
  for (const t of extra) {
    if (own.includes(t) || (out !== null && out.includes(t))) continue;
    (out ??= [...own]).push(t);
  }
  return out ?? (own as string[]);
}

function assetInfo(e: AssetEntry): AssetInfo {
  const info: AssetInfo = {};
  if (e.environment !== undefined) info.environment = e.environment;
  if (e.owner !== undefined) info.owner = e.owner;
  if (e.criticality !== undefined) info.criticality = e.criticality;
  if (e.tags !== undefined) info.tags = [...new Set(e.tags.map((t) => t.trim()).filter((t) => t.length > 0))];
  return info;
}

/** Events get their own copy so that a consumer editing one cannot change the inventory. */
function copyAsset(a: AssetInfo): AssetInfo {
  return a.tags === undefined ? { ...a } : { ...a, tags: [...a.tags] };
}

/**
 * Glob match: `*` any run (also empty), `?` one character, everything else literal. Iterative with
 * one backtrack point, so time is O(pattern × text) at worst, never exponential.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const pc = pattern.charCodeAt(p);
    if (p < pattern.length && (pc === 63 /* ? */ || pc === text.charCodeAt(t))) {
      p++;
      t++;
    } else if (p < pattern.length && pc === 42 /* * */) {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}
