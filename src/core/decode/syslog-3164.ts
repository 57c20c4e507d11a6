import { scanIso, scanMonthFirst } from '../time.js';
import { decodeCefPayload, isCefStart } from './cef.js';
import type { DecodeContext, Draft } from './draft.js';
import { normalizeHost } from './host.js';
import { applyPri } from './syslog-pri.js';

/**
 * RFC 3164 (BSD syslog): `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG`.
 *
 * - The timestamp has no year and no zone: UTC, in the receive time's year, or the previous
 *   year when that would be more than a day after the receive time (time.ts). An RFC 3339
 *   timestamp in its place (rsyslog's high-precision template) is accepted too.
 * - No valid timestamp after PRI: everything after PRI is the message (RFC 3164 §4.3.3).
 * - HOST is absent when the token after the timestamp already looks like a tag (`su:`,
 *   `sshd[12]:`).
 * - TAG → process, PID → pid; a MSG that is CEF is decoded as CEF (format `cef`).
 *
 * `start` is the index after `<PRI>` (or the start of a PRI-less header before CEF). Returns the
 * parse error (only an invalid PRI), or null.
 */
export function decodeSyslog3164(text: string, pri: number | null, start: number, draft: Draft, ctx: DecodeContext): string | null {
  draft.format = 'syslog3164';
  const priError = pri === null ? null : applyPri(pri, draft, 'syslog3164');
  const msgStart = readHeader(text, start, draft, ctx);
  const msg = text.slice(msgStart);
  if (isCefStart(msg, 0)) return priError ?? decodeCefPayload(msg, draft, ctx);
  draft.message = msg;
  return priError;
}

/** Reads `TIMESTAMP HOST TAG[PID]: ` into the draft; returns where MSG starts. */
export function readHeader(text: string, start: number, draft: Draft, ctx: DecodeContext): number {
  let p = start;
  const ts = scanMonthFirst(text, p, ctx.receivedAt, false) ?? scanIso(text, p, false);
  if (ts === null || text.charCodeAt(ts.end) !== 32) return start;
  draft.ts = ts.ms;
  draft.tsOriginal = text.slice(p, ts.end);
  p = ts.end + 1;
  if (isCefStart(text, p)) return p; // no HOST, and CEF is no TAG

  const tokEnd = tokenEnd(text, p);
  if (!looksLikeTag(text, p, tokEnd)) {
    if (tokEnd === p) return p;
    draft.host = normalizeHost(text.slice(p, tokEnd));
    p = tokEnd < text.length ? tokEnd + 1 : tokEnd;
  }
  return isCefStart(text, p) ? p : readTag(text, p, draft);
}

/** `tag[pid]: ` or `tag: ` at s[p] → process/pid; returns where MSG starts (p when no tag). */
function readTag(s: string, p: number, draft: Draft): number {
  let i = p;
  while (i < s.length && i - p <= 48) {
    const c = s.charCodeAt(i);
    if (c === 91 /* [ */ || c === 58 /* : */ || c === 32) break;
    i++;
  }
  if (i === p || i >= s.length) return p;
  let pid: number | null = null;
  let q = i;
  if (s.charCodeAt(q) === 91) {
    const close = s.indexOf(']', q);
    if (close < 0 || close - q > 11) return p;
    const digits = s.slice(q + 1, close);
    if (/^\d{1,10}$/.test(digits)) pid = Number(digits);
    else return p;
    q = close + 1;
  }
  if (s.charCodeAt(q) !== 58) return p;
  draft.process = s.slice(p, i);
  if (pid !== null && pid <= 2 ** 31 - 1) draft.pid = pid;
  q++;
  if (s.charCodeAt(q) === 32) q++;
  return q;
}

function tokenEnd(s: string, p: number): number {
  const sp = s.indexOf(' ', p);
  return sp < 0 ? s.length : sp;
}

/** A token ending in `:` or holding `[` is a TAG, not a HOST. */
function looksLikeTag(s: string, p: number, end: number): boolean {
  if (end === p) return false;
  if (s.charCodeAt(end - 1) === 58) return true;
  const b = s.indexOf('[', p);
  return b >= 0 && b < end;
}
