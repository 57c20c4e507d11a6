import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim } from '../decode/draft.js';
import { normalizeHost } from '../decode/host.js';
import { isIp } from '../decode/ip.js';
import { scanClf } from '../time.js';
import type { LineRecognizer } from './line-recognizer.js';
import { applyWebRequest, dashless, decimal, type WebRequest } from './web-fields.js';

/** How far into a line the `[date]` of a web access log may start (vhost + client + ident + user). */
const DATE_MAX = 400;

/**
 * Web server access logs in the NCSA Common and Combined Log Formats (Apache `%h %l %u %t "%r"
 * %>s %b "%{Referer}i" "%{User-agent}i"`, nginx's default `combined`):
 *
 *   `[vhost[:port] ]client ident user [dd/Mmm/yyyy:HH:mm:ss ±hhmm] "METHOD target HTTP/x" status bytes
 *    ["referrer" "user agent"] [trailing fields]`
 *
 * → ts, src_ip (client when it is an address, else attributes.source.domain), user, domain
 * (vhost), the request in http.* / url.* / user_agent.*, event.action `http-request`,
 * event.outcome, level from the status. The first trailing number is the response time: with a
 * dot it is seconds (nginx `$request_time`), without one microseconds (Apache `%D`). `-` is
 * "empty"; `\"` inside quoted fields is unescaped. The message is the whole line.
 */
export const accessLog: LineRecognizer = {
  name: 'access-log',
  recognize(text: string, draft: Draft, _ctx: DecodeContext): boolean {
    const b = dateBracket(text);
    if (b < 0) return false;
    const heads = text.slice(0, b - 1).split(' ');
    if (heads.length !== 3 && heads.length !== 4) return false;
    const vhost = heads.length === 4 ? heads[0]! : null;
    const [client, , user] = heads.length === 4 ? heads.slice(1) : heads;
    if (client === undefined || user === undefined || !isClient(client)) return false;
    const ts = scanClf(text, b + 1);
    if (ts === null || text.charCodeAt(ts.end) !== 93 || text.charCodeAt(ts.end + 1) !== 32 || text.charCodeAt(ts.end + 2) !== 34) return false;
    const req = readQuoted(text, ts.end + 3);
    if (req === null || text.charCodeAt(req.end) !== 32) return false;
    let p = req.end + 1;
    const statusEnd = text.indexOf(' ', p);
    const status = decimal(text.slice(p, statusEnd < 0 ? text.length : statusEnd));
    if (status === null || status > 999 || statusEnd - p !== 3) return false;
    p = statusEnd + 1;
    let bytesEnd = text.indexOf(' ', p);
    if (bytesEnd < 0) bytesEnd = text.length;
    const bytesText = text.slice(p, bytesEnd);
    const bytes = bytesText === '-' ? null : decimal(bytesText);
    if (bytes === null && bytesText !== '-') return false;
    p = bytesEnd;

    const r: WebRequest = { method: null, target: null, version: null, status, bytes, referrer: null, userAgent: null, durationNs: null, action: 'http-request' };
    readRequestLine(req.value, r);
    if (text.charCodeAt(p) === 32 && text.charCodeAt(p + 1) === 34) {
      const ref = readQuoted(text, p + 2);
      if (ref !== null) {
        r.referrer = dashless(ref.value);
        p = ref.end;
        if (text.charCodeAt(p) === 32 && text.charCodeAt(p + 1) === 34) {
          const ua = readQuoted(text, p + 2);
          if (ua !== null) {
            r.userAgent = dashless(ua.value);
            p = ua.end;
          }
        }
      }
    }
    r.durationNs = responseTime(text, p);

    draft.format = 'text';
    draft.ts = ts.ms;
    draft.tsOriginal = text.slice(b + 1, ts.end);
    draft.message = text;
    if (isIp(client)) draft.src_ip = client;
    else if (client !== '-') draft.attributes.source = { domain: client.toLowerCase() };
    const u = dashless(user);
    if (u !== null) draft.user = u;
    if (vhost !== null) setVhost(vhost, draft);
    applyWebRequest(r, draft);
    claim(draft, 'access-log');
    return true;
  },
};

/** Index of the `[` opening a CLF date after a space, within DATE_MAX; -1 when none. */
function dateBracket(s: string): number {
  const limit = Math.min(s.length - 27, DATE_MAX);
  for (let i = 1; i < limit; i++) {
    if (s.charCodeAt(i) === 91 && s.charCodeAt(i - 1) === 32) {
      const d = s.charCodeAt(i + 1);
      return d >= 48 && d <= 57 && s.charCodeAt(i + 3) === 47 ? i : -1;
    }
  }
  return -1;
}

/** An address or a host name (Apache `%h` without HostnameLookups Off). */
function isClient(s: string): boolean {
  if (s.length === 0 || s.length > 255) return false;
  if (isIp(s)) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 45 || c === 46 || c === 95;
    if (!ok) return false;
  }
  return true;
}

/** `vhost` or `vhost:port` → domain (and dst_port). */
function setVhost(v: string, draft: Draft): void {
  const colon = v.lastIndexOf(':');
  const port = colon > 0 ? decimal(v.slice(colon + 1)) : null;
  const host = normalizeHost(port !== null ? v.slice(0, colon) : v);
  if (host !== null) draft.domain = host;
  if (port !== null && port <= 65535) draft.dst_port = port;
}

/** `METHOD target HTTP/x` (or HTTP/0.9's `METHOD target`); anything else fills nothing. */
function readRequestLine(line: string, r: WebRequest): void {
  const a = line.indexOf(' ');
  if (a <= 0) return;
  const method = line.slice(0, a);
  if (!/^[A-Z][A-Z_-]{0,19}$/.test(method)) return;
  const b = line.lastIndexOf(' ');
  r.method = method;
  if (b > a && line.startsWith('HTTP/', b + 1)) {
    r.target = line.slice(a + 1, b);
    r.version = line.slice(b + 6);
  } else r.target = line.slice(a + 1);
}

/** The first trailing number: `0.123` seconds, `1234` microseconds, `rt=0.123`; in ns. */
function responseTime(s: string, p: number): number | null {
  let k = p;
  for (let field = 0; field < 8 && k < s.length; field++) {
    while (s.charCodeAt(k) === 32) k++;
    let end = s.indexOf(' ', k);
    if (end < 0) end = s.length;
    let tok = s.slice(k, end);
    const eq = tok.indexOf('=');
    if (eq > 0) {
      const key = tok.slice(0, eq);
      tok = key === 'rt' || key === 'request_time' ? tok.slice(eq + 1) : '';
    }
    if (/^\d{1,12}\.\d{1,9}$/.test(tok)) return Math.round(Number(tok) * 1e9);
    if (/^\d{1,12}$/.test(tok)) return Number(tok) * 1000;
    k = end + 1;
  }
  return null;
}

/** A `"…"` value starting after the opening quote at s[i - 1]: `\"` and `\\` unescaped. */
export function readQuoted(s: string, i: number): { value: string; end: number } | null {
  let out = '';
  let run = i;
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 34) return { value: out + s.slice(run, k), end: k + 1 };
    if (c === 92 && k + 1 < s.length) {
      const e = s.charCodeAt(k + 1);
      if (e === 34 || e === 92) {
        out += s.slice(run, k);
        run = k + 1;
      }
      k++;
    }
  }
  return null;
}
