import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim } from '../decode/draft.js';
import { isIp } from '../decode/ip.js';
import { scanIso } from '../time.js';
import type { LineRecognizer } from './line-recognizer.js';
import { applyWebRequest, dashless, decimal, type WebRequest } from './web-fields.js';

/**
 * IIS logs in the W3C extended format. Each message is decoded alone, so the `#Fields:`
 * directive of the file cannot be followed: data lines are read in IIS's default field order
 *
 *   `date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent)
 *    cs(Referer) sc-status sc-substatus sc-win32-status time-taken`
 *
 * (15 fields; IIS before 8.5 logs 14, without cs(Referer)). → ts (UTC, as IIS writes it),
 * dst_ip (s-ip), dst_port, src_ip (c-ip), user, http.* / url.* / user_agent.* (IIS writes `+`
 * for spaces in the agent), event.duration from time-taken (ms), level from the status.
 * Directive lines (`#Software:`, `#Version:`, `#Date:`, `#Fields:`) are claimed as plain text.
 */
export const w3c: LineRecognizer = {
  name: 'w3c',
  recognize(text: string, draft: Draft, _ctx: DecodeContext): boolean {
    const c = text.charCodeAt(0);
    if (c === 35 /* # */) return directive(text, draft);
    if (c < 48 || c > 57 || text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 32) return false;
    const ts = scanIso(text, 0, true);
    if (ts === null || ts.end !== 19 || text.charCodeAt(19) !== 32) return false;
    // 13 or 14 more fields; a longer line is not this shape (and is not split).
    const rest = text.slice(20, 20 + 4096);
    if (rest.length === 4096) return false;
    const f = rest.split(' ');
    if (f.length !== 13 && f.length !== 12) return false;
    const withReferer = f.length === 13;
    const [sIp, method, stem, query, sPort, user, cIp, ua] = f as [string, string, string, string, string, string, string, string];
    const tail = f.slice(withReferer ? 9 : 8);
    const referer = withReferer ? f[8]! : '-';
    const [statusT, , , takenT] = tail as [string, string, string, string];
    const status = decimal(statusT);
    const port = decimal(sPort);
    if (!isIp(sIp) || !/^[A-Z][A-Z_-]{0,19}$/.test(method) || status === null || status > 999 || port === null || port > 65535) return false;

    const taken = decimal(takenT);
    const q = dashless(query);
    const r: WebRequest = {
      method,
      target: q === null ? stem : `${stem}?${q}`,
      version: null,
      status,
      bytes: null,
      referrer: dashless(referer),
      userAgent: ua === '-' ? null : ua.replace(/\+/g, ' '),
      durationNs: taken === null ? null : taken * 1_000_000,
      action: 'http-request',
    };
    draft.format = 'text';
    draft.ts = ts.ms;
    draft.tsOriginal = text.slice(0, 19);
    draft.message = text;
    draft.dst_ip = sIp;
    draft.dst_port = port;
    if (isIp(cIp)) draft.src_ip = cIp;
    const u = dashless(user);
    if (u !== null) draft.user = u;
    applyWebRequest(r, draft);
    claim(draft, 'w3c');
    return true;
  },
};

const DIRECTIVES = ['#Software:', '#Version:', '#Date:', '#Fields:', '#Remark:', '#Start-Date:', '#End-Date:'];

function directive(text: string, draft: Draft): boolean {
  if (!DIRECTIVES.some((d) => text.startsWith(d))) return false;
  draft.format = 'text';
  draft.message = text;
  claim(draft, 'w3c');
  return true;
}
