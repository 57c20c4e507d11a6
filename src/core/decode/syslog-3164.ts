import { decodeCefPayload, isCefStart } from './cef.js';
import type { DecodeContext, Draft } from './draft.js';
import { applySyslogHeader, scanSyslogHeader } from './syslog-header.js';
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

/**
 * Reads `TIMESTAMP HOST TAG[PID]: ` (syslog-header.ts) into the draft; returns where MSG starts
 * (`start` when there is no timestamp).
 */
export function readHeader(text: string, start: number, draft: Draft, ctx: DecodeContext): number {
  const h = scanSyslogHeader(text, start, ctx.receivedAt);
  if (h === null) return start;
  applySyslogHeader(h, draft);
  return h.end;
}
