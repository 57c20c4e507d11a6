import { parseIpv4, parseIpv6 } from './ip.js';

/**
 * Canonical host name: trimmed, lower-cased, trailing dot of an FQDN removed, brackets around
 * an IPv6 literal removed. IPv4 addresses are kept exactly as written; IPv6 only lower-cased
 * (not re-compressed). Null for an empty or `-` (syslog NILVALUE) host. Idempotent.
 */
export function normalizeHost(value: string): string | null {
  let h = value.trim();
  if (h.length >= 2 && h.charCodeAt(0) === 91 /* [ */ && h.charCodeAt(h.length - 1) === 93) h = h.slice(1, -1);
  if (h.length === 0 || h === '-') return null;
  if (parseIpv4(h) !== null) return h;
  if (h.indexOf(':') >= 0 && parseIpv6(h) !== null) return h.toLowerCase();
  let end = h.length;
  while (end > 0 && h.charCodeAt(end - 1) === 46 /* . */) end--;
  if (end === 0) return null;
  return (end === h.length ? h : h.slice(0, end)).toLowerCase();
}

/**
 * Host part of a URL (`https://user@a.example.com:8443/x` → `a.example.com`), lower-cased;
 * a scheme-less `example.com/path` works too. Null when there is no host part.
 */
export function hostOfUrl(url: string): string | null {
  let start = url.indexOf('://');
  start = start < 0 ? 0 : start + 3;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */ || c === 32) break;
    end++;
  }
  let auth = url.slice(start, end);
  const at = auth.lastIndexOf('@');
  if (at >= 0) auth = auth.slice(at + 1);
  if (auth.charCodeAt(0) === 91 /* [ */) {
    const close = auth.indexOf(']');
    return close > 1 ? normalizeHost(auth.slice(1, close)) : null;
  }
  const colon = auth.indexOf(':');
  if (colon >= 0) auth = auth.slice(0, colon);
  return normalizeHost(auth);
}
