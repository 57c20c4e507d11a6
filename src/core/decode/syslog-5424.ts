import { scanIso } from '../time.js';
import { decodeCefPayload, isCefStart } from './cef.js';
import type { DecodeContext, Draft } from './draft.js';
import { setOwn } from './draft.js';
import { normalizeHost } from './host.js';
import { applyPri } from './syslog-pri.js';

/**
 * RFC 5424: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]`.
 *
 * - PRI → level and `attributes.facility`; HOSTNAME → host; APP-NAME → process; a numeric PROCID
 *   → pid, any other → `attributes.procid`; MSGID → `attributes.msgid`; a VERSION other than 1
 *   → `attributes.syslog_version`. `-` (NILVALUE) leaves a field empty.
 * - STRUCTURED-DATA → `attributes.sd["id@pen"] = {param: value}`; `\"`, `\\`, `\]` unescaped; a
 *   parameter repeated inside one element collects an array.
 * - MSG: a leading UTF-8 BOM is dropped. A MSG that is CEF is decoded as CEF (format `cef`); any
 *   other MSG (JSON, logfmt…) is kept as message text, not re-parsed.
 *
 * `start` is the index after `<PRI>`. Returns the parse error, or null. On error the fields read
 * so far stay and `message` is left null (the normalizer then uses the whole text).
 */
export function decodeSyslog5424(text: string, pri: number, start: number, draft: Draft, ctx: DecodeContext): string | null {
  draft.format = 'syslog5424';
  const priError = applyPri(pri, draft, 'syslog5424');
  const t = new Tokens(text, start);

  const header: string[] = [];
  for (const name of HEADER) {
    const at = t.pos;
    const tok = t.next();
    if (tok === null) return `syslog5424: message ends before ${name}`;
    if (tok === '') return `syslog5424: empty ${name} at column ${at + 1}`;
    if (name === 'VERSION' && !/^[1-9]\d{0,2}$/.test(tok)) return `syslog5424: invalid VERSION '${tok}' at column ${at + 1}`;
    header.push(tok);
  }
  const [version, ts, host, app, procid, msgid] = header as [string, string, string, string, string, string];
  if (version !== '1') draft.attributes.syslog_version = Number(version);
  if (ts !== '-') {
    const iso = scanIso(ts, 0, false);
    if (iso !== null && iso.end === ts.length) draft.ts = iso.ms;
    draft.tsOriginal = ts;
  }
  if (host !== '-') draft.host = normalizeHost(host);
  if (app !== '-') draft.process = app;
  if (procid !== '-') {
    if (/^\d{1,9}$/.test(procid)) draft.pid = Number(procid);
    else draft.attributes.procid = procid;
  }
  if (msgid !== '-') draft.attributes.msgid = msgid;

  let p = t.pos;
  if (p >= text.length) return 'syslog5424: message ends before STRUCTURED-DATA';
  if (text.charCodeAt(p) === 45 /* - */) p++;
  else if (text.charCodeAt(p) === 91 /* [ */) {
    const sd: Record<string, Record<string, unknown>> = {};
    const r = parseStructuredData(text, p, sd);
    if (typeof r === 'string') return r;
    draft.attributes.sd = sd;
    p = r;
  } else return `syslog5424: expected STRUCTURED-DATA ('-' or '[') at column ${p + 1}`;

  let msg = '';
  if (p < text.length) {
    if (text.charCodeAt(p) !== 32) return `syslog5424: expected a space before MSG at column ${p + 1}`;
    msg = text.slice(p + 1);
    if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
  }
  if (isCefStart(msg, 0)) {
    const cefError = decodeCefPayload(msg, draft, ctx);
    return priError ?? cefError;
  }
  draft.message = msg;
  return priError;
}

const HEADER = ['VERSION', 'TIMESTAMP', 'HOSTNAME', 'APP-NAME', 'PROCID', 'MSGID'] as const;

/** Space-separated header tokens. */
class Tokens {
  constructor(
    private readonly s: string,
    public pos: number,
  ) {}

  /** The next token ('' between two spaces), or null at the end of the text. */
  next(): string | null {
    if (this.pos >= this.s.length) return null;
    let sp = this.s.indexOf(' ', this.pos);
    if (sp < 0) sp = this.s.length;
    const tok = this.s.slice(this.pos, sp);
    this.pos = sp + 1;
    return tok;
  }
}

/**
 * One or more `[id param="value" …]` elements at s[p]. Fills `out` and returns the index after
 * the last `]`, or the parse error.
 */
export function parseStructuredData(s: string, p: number, out: Record<string, Record<string, unknown>>): number | string {
  while (s.charCodeAt(p) === 91) {
    p++;
    const idStart = p;
    while (p < s.length && isSdNameChar(s.charCodeAt(p))) p++;
    if (p === idStart) return `syslog5424: empty SD-ID at column ${p + 1}`;
    const id = s.slice(idStart, p);
    let element = Object.prototype.hasOwnProperty.call(out, id) ? out[id]! : undefined;
    if (element === undefined) {
      element = {};
      setOwn(out, id, element);
    }
    while (s.charCodeAt(p) === 32) {
      p++;
      const nameStart = p;
      while (p < s.length && isSdNameChar(s.charCodeAt(p))) p++;
      if (p === nameStart) return `syslog5424: empty PARAM-NAME at column ${p + 1}`;
      const name = s.slice(nameStart, p);
      if (s.charCodeAt(p) !== 61 || s.charCodeAt(p + 1) !== 34) return `syslog5424: expected '="' after PARAM-NAME at column ${p + 1}`;
      p += 2;
      let value = '';
      let run = p;
      for (;;) {
        if (p >= s.length) return `syslog5424: unterminated PARAM-VALUE starting at column ${run + 1}`;
        const c = s.charCodeAt(p);
        if (c === 34) break;
        if (c === 92 /* \ */) {
          const e = s.charCodeAt(p + 1);
          if (e === 34 || e === 92 || e === 93) {
            value += s.slice(run, p) + s[p + 1];
            p += 2;
            run = p;
            continue;
          }
        }
        p++;
      }
      value += s.slice(run, p);
      p++; // closing quote
      const prev = Object.prototype.hasOwnProperty.call(element, name) ? element[name] : undefined;
      if (prev === undefined) setOwn(element, name, value);
      else if (Array.isArray(prev)) prev.push(value);
      else setOwn(element, name, [prev, value]);
    }
    if (s.charCodeAt(p) !== 93) return `syslog5424: expected ']' at column ${p + 1}`;
    p++;
  }
  return p;
}

/** PRINTUSASCII except `=`, SP, `]`, `"` (RFC 5424 SD-NAME). */
function isSdNameChar(c: number): boolean {
  return c > 32 && c < 127 && c !== 61 && c !== 93 && c !== 34;
}
