import { scanIso, scanMonthFirst } from '../time.js';
import { isCefStart } from './cef.js';
import type { Draft } from './draft.js';
import { normalizeHost } from './host.js';
import { parseLevelWord } from './level.js';

/**
 * The BSD syslog header, shared by `<PRI>` messages (syslog-3164.ts) and the PRI-less lines
 * syslog daemons write to files (recognize/syslog-file.ts): one reader for both.
 *
 * `TIMESTAMP [HOST] TAG[PID]: MSG`, where
 * - TIMESTAMP is `Mmm dd hh:mm:ss` (day space-padded or not; year inferred, see time.ts) or
 *   RFC 3339 / ISO 8601 with `T` or a space (rsyslog's high-precision file format);
 * - HOST is absent when the token after the timestamp already is a tag (macOS, `<PRI>` lines
 *   from local programs); a relay's `relay/host` or `facility@host` keeps the originating host;
 * - TAG is a program name with slashes, dots, dashes (`postfix/smtpd`, `org.gnome.Shell.desktop`,
 *   `/usr/sbin/cron`), optionally `name(module)` (`sshd(pam_unix)`, old pam), then `[pid]`, then
 *   macOS's ` (subsystem)` or ` <Level>` before the colon;
 * - after the tag, Solaris's `[ID 123456 facility.level]` gives the level.
 *
 * Hand-written and bounded: every loop stops within a few dozen characters of where it starts.
 */
export interface SyslogHeader {
  ts: number;
  tsOriginal: string;
  /** True when the timestamp was RFC 3339 / ISO (rsyslog), false for `Mmm dd hh:mm:ss`. */
  iso: boolean;
  host: string | null;
  process: string | null;
  pid: number | null;
  level: number | null;
  /** The whole tag when it says more than process/pid (`sshd(pam_unix)`). */
  tag: string | null;
  /** Solaris message id (`[ID 800047 auth.info]`). */
  msgid: string | null;
  /** Where MSG starts. */
  end: number;
}

/** Longest program name accepted in a tag (RFC 3164 says 32; real paths run longer). */
const TAG_MAX = 64;

/** Reads the header at text[start]; null when no timestamp followed by a space is there. */
export function scanSyslogHeader(text: string, start: number, receivedAt: number): SyslogHeader | null {
  let p = start;
  const c = text.charCodeAt(p);
  const isoTs = c >= 48 && c <= 57;
  const ts = isoTs ? scanIso(text, p, true) : scanMonthFirst(text, p, receivedAt, false);
  // A bare ISO date (no time) is no syslog timestamp.
  if (ts === null || text.charCodeAt(ts.end) !== 32 || (isoTs && ts.end - p < 16)) return null;
  const h: SyslogHeader = {
    ts: ts.ms,
    tsOriginal: text.slice(p, ts.end),
    iso: isoTs,
    host: null,
    process: null,
    pid: null,
    level: null,
    tag: null,
    msgid: null,
    end: ts.end + 1,
  };
  p = ts.end + 1;
  if (isCefStart(text, p)) return h; // no HOST, and CEF is no TAG

  let tag = text.charCodeAt(p) === 37 /* % */ ? scanCiscoTag(text, p, h) : scanTag(text, p, h);
  if (tag < 0) {
    const tokEnd = tokenEnd(text, p);
    if (tokEnd === p) return h;
    const esx = esxSeverity(text, p, tokEnd);
    if (esx !== null) {
      // ESXi writes its severity and PRI where a host would be, and no host.
      h.level = esx;
    } else {
      h.host = hostOf(text.slice(p, tokEnd));
    }
    p = tokEnd < text.length ? tokEnd + 1 : tokEnd;
    h.end = p;
    if (isCefStart(text, p)) return h;
    if (esx === null) p = skipFacilityLevel(text, p, h);
    // Cisco ASA with `logging device-id`: `host : %ASA-6-302013: …`.
    if (text.charCodeAt(p) === 58 && text.charCodeAt(p + 1) === 32 && text.charCodeAt(p + 2) === 37) p += 2;
    tag = text.charCodeAt(p) === 37 ? scanCiscoTag(text, p, h) : scanTag(text, p, h);
    if (tag < 0) return h;
  }
  h.end = readSolarisId(text, tag, h);
  return h;
}

/** Fills the draft from a header scanned by scanSyslogHeader. */
export function applySyslogHeader(h: SyslogHeader, draft: Draft): void {
  draft.ts = h.ts;
  draft.tsOriginal = h.tsOriginal;
  if (h.host !== null) draft.host = h.host;
  if (h.process !== null) draft.process = h.process;
  if (h.pid !== null) draft.pid = h.pid;
  if (h.level !== null && draft.level === null) draft.level = h.level; // a PRI says it first
  if (h.tag !== null || h.msgid !== null) {
    const syslog: Record<string, unknown> = {};
    if (h.tag !== null) syslog.tag = h.tag;
    if (h.msgid !== null) syslog.msgid = h.msgid;
    draft.attributes.syslog = syslog;
  }
}

/** `relay/host` (syslog-ng relays) and `facility@host` keep the originating host. */
function hostOf(token: string): string | null {
  let cut = token.lastIndexOf('/');
  if (cut < 0) cut = token.lastIndexOf('@');
  return normalizeHost(cut >= 0 && cut < token.length - 1 ? token.slice(cut + 1) : token);
}

/**
 * TAG at s[p] → h.process/pid/level/tag; returns where MSG starts, or -1 when s[p] is no tag
 * (then h is unchanged).
 */
function scanTag(s: string, p: number, h: SyslogHeader): number {
  let i = p;
  let letters = 0;
  while (i < s.length && i - p <= TAG_MAX) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 58 /* : */ || c === 91 /* [ */ || c === 40 /* ( */ || c === 9) break;
    if (c === 34 || c === 61 || c === 44 || c === 60 || c === 123) return -1; // " = , < {: prose or data
    if ((c | 32) >= 97 && (c | 32) <= 122) letters++;
    i++;
  }
  if (i === p || letters === 0 || i >= s.length || i - p > TAG_MAX) return -1;
  const nameEnd = i;
  // `sshd(pam_unix)`: the module the old pam wrote its lines under.
  if (s.charCodeAt(i) === 40) {
    const close = indexWithin(s, 41 /* ) */, i + 1, 32);
    if (close < 0) return -1;
    i = close + 1;
  }
  let pid: number | null = null;
  if (s.charCodeAt(i) === 91) {
    let q = i + 1;
    let v = 0;
    while (q - i <= 10 && isDigit(s.charCodeAt(q))) v = v * 10 + (s.charCodeAt(q++) - 48);
    if (q === i + 1 || s.charCodeAt(q) !== 93) return -1;
    pid = v;
    i = q + 1;
  }
  let level: number | null = null;
  // macOS: `prog[pid] <Notice>:` and `prog[pid] (subsystem[pid]):`.
  if (s.charCodeAt(i) === 32 && pid !== null) {
    const open = s.charCodeAt(i + 1);
    if (open === 60 /* < */) {
      const close = indexWithin(s, 62 /* > */, i + 2, 16);
      if (close < 0 || s.charCodeAt(close + 1) !== 58) return -1;
      level = parseLevelWord(s.slice(i + 2, close));
      i = close + 1;
    } else if (open === 40 /* ( */) {
      const close = closeParenColon(s, i + 2);
      if (close < 0) return -1;
      i = close + 1;
    }
  }
  // `name:` then a space (or the end): `fe80::1` and `10:16` are no tags.
  const after = s.charCodeAt(i + 1);
  if (s.charCodeAt(i) !== 58 || !(i + 1 === s.length || after === 32 || after === 9)) return -1;
  h.process = s.slice(p, nameEnd);
  if (pid !== null && pid <= 2 ** 31 - 1) h.pid = pid;
  if (level !== null) h.level = level;
  const full = s.slice(p, i);
  const plain = pid === null ? h.process : `${h.process}[${pid}]`;
  if (full !== plain) h.tag = full;
  i++;
  if (s.charCodeAt(i) === 32) i++;
  return i;
}

/**
 * Cisco's message tag `%FACILITY-SEVERITY-MNEMONIC:` (`%ASA-6-302013:`, `%LINK-3-UPDOWN:`,
 * `%FTD-2-106001:`, `%LINK-SP-3-UPDOWN:`) where a program tag would be: the facility is the
 * program, the severity digit is already on the syslog scale, the mnemonic (ASA's message number)
 * is the message id. Returns where MSG starts, or -1 (h unchanged).
 */
function scanCiscoTag(s: string, p: number, h: SyslogHeader): number {
  const t = readCiscoTag(s, p);
  if (t === null) return -1;
  h.process = t.facility;
  h.level = t.level;
  h.msgid = t.mnemonic;
  h.tag = t.tag;
  return t.end;
}

export interface CiscoTag {
  facility: string;
  level: number;
  mnemonic: string;
  /** `%ASA-6-302013` */
  tag: string;
  /** Where the message starts. */
  end: number;
}

/** `%FAC-SEV-MNEMONIC:` at s[p] (s[p] is `%`), or null. */
export function readCiscoTag(s: string, p: number): CiscoTag | null {
  const colon = indexWithin(s, 58 /* : */, p + 1, 64);
  if (colon < 0 || !(colon + 1 === s.length || s.charCodeAt(colon + 1) === 32)) return null;
  const tag = s.slice(p + 1, colon);
  if (!CISCO_TAG.test(tag)) return null;
  const parts = tag.split('-');
  return {
    facility: parts.slice(0, -2).join('-'),
    level: Number(parts[parts.length - 2]),
    mnemonic: parts[parts.length - 1]!,
    tag: s.slice(p, colon),
    end: colon + 1 < s.length ? colon + 2 : colon + 1,
  };
}

const CISCO_TAG = /^[A-Z][A-Z0-9_]{0,31}(?:-[A-Z0-9_]{1,32})?-[0-7]-[A-Z0-9_]{1,40}$/;

/** ESXi's `In(14)`, `Wa(180)[+]`: severity code and PRI in the host's place (lnav esx_syslog). */
const ESX_LEVELS: ReadonlyMap<string, number> = new Map([
  ['Em', 0], ['Al', 1], ['Cr', 2], ['Er', 3], ['Wa', 4], ['No', 5], ['In', 6], ['Db', 7],
]);

function esxSeverity(s: string, p: number, end: number): number | null {
  if (end - p < 5 || s.charCodeAt(p + 2) !== 40) return null;
  const level = ESX_LEVELS.get(s.slice(p, p + 2));
  if (level === undefined) return null;
  return /^\(\d{1,3}\)(?:\[\+\]|\+)?$/.test(s.slice(p + 2, end)) ? level : null;
}

const FACILITIES = new Set([
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
]);

/**
 * busybox syslogd (OpenWrt, UniFi, embedded Linux) writes `facility.level` between the host and
 * the tag: `Mar  2 23:24:28 gw user.warn kernel: …`. Known facility names only, so that a tag
 * with a dot (`org.gnome.Shell.desktop[…]:`) is never taken for one. Returns where the tag starts.
 */
function skipFacilityLevel(s: string, p: number, h: SyslogHeader): number {
  const end = indexWithin(s, 32, p, 24);
  if (end < 0) return p;
  const token = s.slice(p, end);
  const dot = token.indexOf('.');
  if (dot < 0 || !FACILITIES.has(token.slice(0, dot))) return p;
  const level = parseLevelWord(token.slice(dot + 1));
  if (level === null) return p;
  h.level = level;
  return end + 1;
}

/** Solaris `[ID 123456 facility.level] ` right after the tag → msgid, level; returns MSG start. */
function readSolarisId(s: string, p: number, h: SyslogHeader): number {
  if (!s.startsWith('[ID ', p)) return p;
  const close = indexWithin(s, 93 /* ] */, p + 4, 48);
  if (close < 0) return p;
  const parts = s.slice(p + 4, close).split(' ');
  if (parts.length !== 2 || !/^\d{1,12}$/.test(parts[0]!)) return p;
  const dot = parts[1]!.indexOf('.');
  const level = dot >= 0 ? parseLevelWord(parts[1]!.slice(dot + 1)) : null;
  if (level !== null && h.level === null) h.level = level;
  h.msgid = parts[0]!;
  return s.charCodeAt(close + 1) === 32 ? close + 2 : close + 1;
}

/** Index of `):` closing a macOS subsystem group that starts at s[p], within 200 characters. */
function closeParenColon(s: string, p: number): number {
  const limit = Math.min(s.length - 1, p + 200);
  for (let k = p; k < limit; k++) if (s.charCodeAt(k) === 41 && s.charCodeAt(k + 1) === 58) return k;
  return -1;
}

/** Index of code c in s within [from, from + max), stopping at a space; -1 when none. */
function indexWithin(s: string, c: number, from: number, max: number): number {
  const limit = Math.min(s.length, from + max);
  for (let k = from; k < limit; k++) {
    const x = s.charCodeAt(k);
    if (x === c) return k;
    if (x === 32 && c !== 93) return -1;
  }
  return -1;
}

function tokenEnd(s: string, p: number): number {
  let k = p;
  while (k < s.length && s.charCodeAt(k) !== 32) {
    if (k - p > 255) return p; // no host is that long: not a header
    k++;
  }
  return k;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
