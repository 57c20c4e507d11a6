import { parseTimestamp } from '../time.js';
import type { DecodeContext, Draft } from '../decode/draft.js';
import { setOwn } from '../decode/draft.js';
import { normalizeHost } from '../decode/host.js';
import { FACILITIES } from '../decode/syslog-pri.js';

/**
 * journald's JSON export (`journalctl -o json`, Fluent Bit's systemd input, Vector's journald
 * source): one object per entry, field names as in systemd.journal-fields(7), every value a
 * string, a field that is not valid UTF-8 an array of byte values.
 *
 * The alias table already maps `MESSAGE` (message) and `PRIORITY` ("0".."7" → level). This
 * adds what it cannot know: `__REALTIME_TIMESTAMP` (µs since the epoch, as a string) → ts,
 * `_HOSTNAME` → host, `SYSLOG_IDENTIFIER` (else `_COMM`) → process, `_PID` (else `SYSLOG_PID`)
 * → pid, `SYSLOG_FACILITY` ("4") → `attributes.facility` ("auth", as the syslog decoders name
 * it). A value taken is removed from the attributes; a field already set by an alias is left
 * alone and the journald key stays. `_SYSTEMD_UNIT`, `_UID`, `_TRANSPORT`, `__CURSOR`, … stay
 * in attributes under their own names.
 */

const bytesDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** `MESSAGE` given as an array of bytes (not valid UTF-8) → text, invalid sequences as U+FFFD. */
export function decodeJournaldBytes(record: Record<string, unknown>): void {
  const m = record.MESSAGE;
  if (!Array.isArray(m)) return;
  const bytes = new Uint8Array(m.length);
  for (let i = 0; i < m.length; i++) {
    const b: unknown = m[i];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return;
    bytes[i] = b;
  }
  record.MESSAGE = bytesDecoder.decode(bytes);
}

/** The journald fields the alias table does not know; run after mapRecord on the same record. */
export function mapJournald(record: Record<string, unknown>, draft: Draft, ctx: DecodeContext): void {
  if (draft.ts === null) {
    for (const key of ['__REALTIME_TIMESTAMP', '_SOURCE_REALTIME_TIMESTAMP']) {
      const ts = parseTimestamp(record[key], ctx.receivedAt);
      if (ts === null) continue;
      draft.ts = ts;
      draft.tsOriginal = record[key];
      delete record[key];
      break;
    }
  } else if (record.__REALTIME_TIMESTAMP !== undefined) {
    // Fluent Bit's `date` (seconds, a double) was taken first: the journal's µs stamp is the
    // same instant, more precise.
    const ts = parseTimestamp(record.__REALTIME_TIMESTAMP, ctx.receivedAt);
    if (ts !== null && Math.abs(ts - draft.ts) < 1000) {
      draft.ts = ts;
      delete record.__REALTIME_TIMESTAMP;
    }
  }
  if (draft.host === null && typeof record._HOSTNAME === 'string') {
    const h = normalizeHost(record._HOSTNAME);
    if (h !== null) {
      draft.host = h;
      delete record._HOSTNAME;
    }
  }
  if (draft.process === null) {
    for (const key of ['SYSLOG_IDENTIFIER', '_COMM', 'COMM']) {
      const v = record[key];
      if (typeof v !== 'string' || v.trim().length === 0) continue;
      draft.process = v.trim();
      if (v === draft.process) delete record[key];
      break;
    }
  }
  if (draft.pid === null) {
    for (const key of ['_PID', 'SYSLOG_PID']) {
      const v = record[key];
      if (typeof v !== 'string' || !/^\d{1,10}$/.test(v) || Number(v) > 2 ** 31 - 1) continue;
      draft.pid = Number(v);
      delete record[key];
      break;
    }
  }
  const fac = record.SYSLOG_FACILITY;
  if (typeof fac === 'string' && /^\d{1,2}$/.test(fac) && record.facility === undefined) {
    const name = FACILITIES[Number(fac)];
    if (name !== undefined) {
      setOwn(record, 'facility', name);
      delete record.SYSLOG_FACILITY;
    }
  }
}
