import type { Severity } from '../event.js';
import { parseTimestamp } from '../time.js';
import type { DecodeContext, Draft } from './draft.js';
import { setOwn } from './draft.js';
import { normalizeHash } from './field-mapper.js';
import { hostOfUrl, normalizeHost } from './host.js';
import { isIp } from './ip.js';
import { parseSeverity, severityFromScore, severityToLevel } from './severity.js';

/**
 * CEF: `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`.
 *
 * Header fields unescape `\|` and `\\`; extension values `\=`, `\\`, `\n`, `\r` (and `\|`).
 * Extension keys are runs of letters, digits, `_`, `.`, `-` preceded by a space (or the start);
 * an unescaped `=` that does not follow such a key is part of the value.
 *
 * - `attributes.cef` = {version, device_vendor, device_product, device_version, signature_id,
 *   name, severity (as written)}; extension keys not mapped below stay flat in `attributes`.
 * - Severity 0–3 LOW, 4–6 MEDIUM, 7–8 HIGH, 9–10 CRITICAL (or Low/Medium/High/Very-High) →
 *   a Threat {name: Name, origin 'message'} and the level LOW 5, MEDIUM 4, HIGH 3, CRITICAL 2.
 *   Unknown severity → threat MEDIUM, level unset.
 * - message = `Name: msg` (or whichever of the two is present).
 * - src/dst → src_ip/dst_ip, spt/dpt → ports, suser (else duser) → user, sproc (else dproc) →
 *   process, spid (else dpid) → pid, fileHash → file_hash, rt → ts, dvchost (else the syslog
 *   header host, else dvc) → host, requestUrl's host → domain (requestUrl itself is kept).
 *   A value that does not fit its field (an `src` that is no IP…) stays in attributes.
 *
 * `text` starts with `CEF:`. Returns the parse error or null; on error the draft is untouched
 * apart from `format`.
 */
export function decodeCefPayload(text: string, draft: Draft, ctx: DecodeContext): string | null {
  draft.format = 'cef';
  const header: string[] = [];
  let p = 4;
  let run = 4;
  let field = '';
  while (header.length < 7 && p < text.length) {
    const c = text.charCodeAt(p);
    if (c === 92 /* \ */) {
      const e = text.charCodeAt(p + 1);
      if (e === 124 || e === 92) {
        field += text.slice(run, p) + text[p + 1];
        p += 2;
        run = p;
        continue;
      }
    } else if (c === 124 /* | */) {
      header.push(field + text.slice(run, p));
      field = '';
      run = ++p;
      continue;
    }
    p++;
  }
  if (header.length < 7) return `cef: expected 7 '|' separators in the header, found ${header.length}`;
  const [version, vendor, product, devVersion, sigId, name, sevText] = header as [string, string, string, string, string, string, string];
  const ext = parseExtension(text, p);

  const sevTrim = sevText.trim();
  const severity: Severity | null = /^\d{1,2}$/.test(sevTrim) ? severityFromScore(Number(sevTrim)) : parseSeverity(sevTrim);
  if (severity !== null) draft.level = severityToLevel(severity);
  draft.threats.push({ name: name.length > 0 ? name : 'unnamed', severity: severity ?? 'MEDIUM', tags: [], origin: 'message' });

  const attrs = draft.attributes;
  attrs.cef = { version, device_vendor: vendor, device_product: product, device_version: devVersion, signature_id: sigId, name, severity: sevText };

  const take = (key: string): string | undefined => {
    const v = ext.get(key);
    if (v !== undefined) ext.delete(key);
    return v;
  };
  const takeIf = (key: string, accept: (v: string) => boolean): string | undefined => {
    const v = ext.get(key);
    if (v === undefined || !accept(v)) return undefined;
    ext.delete(key);
    return v;
  };

  const msg = take('msg');
  draft.message = name.length > 0 && msg !== undefined && msg.length > 0 ? `${name}: ${msg}` : (msg ?? name);
  draft.src_ip = takeIf('src', isIp) ?? null;
  draft.dst_ip = takeIf('dst', isIp) ?? null;
  draft.src_port = toPort(takeIf('spt', (v) => toPort(v) !== null));
  draft.dst_port = toPort(takeIf('dpt', (v) => toPort(v) !== null));
  draft.user = takeIf('suser', nonEmpty) ?? takeIf('duser', nonEmpty) ?? draft.user;
  draft.process = takeIf('sproc', nonEmpty) ?? takeIf('dproc', nonEmpty) ?? draft.process;
  const pid = takeIf('spid', isPid) ?? takeIf('dpid', isPid);
  if (pid !== undefined) draft.pid = Number(pid);
  const hash = takeIf('fileHash', (v) => normalizeHash(v) !== null);
  if (hash !== undefined) draft.file_hash = normalizeHash(hash);

  const rt = ext.get('rt');
  const rtMs = rt === undefined ? null : parseTimestamp(rt, ctx.receivedAt);
  if (rtMs !== null) {
    ext.delete('rt');
    draft.ts = rtMs;
    draft.tsOriginal = rt;
  }

  const dvchost = takeIf('dvchost', (v) => normalizeHost(v) !== null);
  if (dvchost !== undefined) {
    const headerHost = draft.host;
    draft.host = normalizeHost(dvchost);
    if (headerHost !== null && headerHost !== draft.host) attrs.syslog_host = headerHost;
  } else if (draft.host === null) {
    const dvc = takeIf('dvc', isIp);
    if (dvc !== undefined) draft.host = normalizeHost(dvc);
  }

  const url = ext.get('requestUrl');
  if (url !== undefined) {
    const h = hostOfUrl(url);
    if (h !== null && !isIp(h)) draft.domain = h;
  }

  for (const [k, v] of ext) setOwn(attrs, k, v);
  return null;
}

/** `CEF:` + version digits + `|` at s[i]: enough to tell CEF from prose mentioning it. */
export function isCefStart(s: string, i: number): boolean {
  if (!s.startsWith('CEF:', i)) return false;
  let k = i + 4;
  while (k < s.length && k - i < 8 && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
  return k > i + 4 && s.charCodeAt(k) === 124;
}

/**
 * Extension `key=value` pairs from s[start]. Values run to the space before the next key and
 * are unescaped; a repeated key keeps its last value. Text before the first key is kept under
 * `_unparsed`.
 */
export function parseExtension(s: string, start: number): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | null = null;
  let valueStart = start;
  let i = start;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      i += 2;
      continue;
    }
    if (c === 61 /* = */) {
      let k = i;
      while (k > valueStart && isKeyChar(s.charCodeAt(k - 1))) k--;
      if (k < i && (k === start || s.charCodeAt(k - 1) === 32)) {
        const before = k === start ? start : k - 1;
        if (key !== null) out.set(key, unescapeValue(s.slice(valueStart, before)));
        else if (s.slice(start, before).trim().length > 0) out.set('_unparsed', s.slice(start, before).trim());
        key = s.slice(k, i);
        valueStart = i + 1;
      }
    }
    i++;
  }
  if (key !== null) out.set(key, unescapeValue(s.slice(valueStart)));
  else if (s.slice(start).trim().length > 0) out.set('_unparsed', s.slice(start).trim());
  return out;
}

function unescapeValue(raw: string): string {
  const v = raw.trimEnd();
  if (v.indexOf('\\') < 0) return v;
  let out = '';
  let run = 0;
  for (let i = 0; i < v.length; i++) {
    if (v.charCodeAt(i) !== 92 || i + 1 >= v.length) continue;
    const e = v[i + 1];
    const rep = e === '=' ? '=' : e === '\\' ? '\\' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === '|' ? '|' : null;
    if (rep === null) continue;
    out += v.slice(run, i) + rep;
    i++;
    run = i + 1;
  }
  return out + v.slice(run);
}

function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
}

function toPort(v: string | undefined): number | null {
  if (v === undefined || !/^\d{1,5}$/.test(v)) return null;
  const n = Number(v);
  return n <= 65535 ? n : null;
}

function isPid(v: string): boolean {
  return /^\d{1,9}$/.test(v);
}

function nonEmpty(v: string): boolean {
  return v.length > 0;
}
