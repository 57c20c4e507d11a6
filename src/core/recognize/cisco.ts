import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim } from '../decode/draft.js';
import { readCiscoTag } from '../decode/syslog-header.js';
import { scanMonthFirst, zoneAbbreviation } from '../time.js';
import type { LineRecognizer } from './line-recognizer.js';

/**
 * Lines in Cisco's own header (IOS, ASA, FTD, NX-OS), as a device's buffer, a collector without a
 * syslog header, or `logging timestamp` settings write them, each ending in the message tag
 * `%FACILITY-SEVERITY-MNEMONIC:`:
 *
 *   `%ASA-4-106023: Deny tcp src …`                                      no header at all
 *   `Oct 03 2026 17:34:08: %ASA-4-106023: …`                             stamp with the year
 *   `3924923: *Oct  6 03:32:04.114 gmt: %SEC-6-IPACCESSLOGP: …`           sequence number, `*`
 *                                                                         (clock not in sync), zone
 *   `00:00:46: %LINK-3-UPDOWN: …`                                         uptime, no date
 *
 * The facility is the program, the severity digit the level (Cisco's scale is syslog's), the
 * mnemonic the message id. `host %TAG:` forms after a syslog header are read by syslog-header.ts.
 * Format `text` (no syslog header).
 */

/** How far into the line the tag may start (sequence, stamp with year and fraction, zone). */
const HEADER_MAX = 64;

export const ciscoLine: LineRecognizer = {
  name: 'cisco',
  recognize(text: string, draft: Draft, ctx: DecodeContext): boolean {
    const c = text.charCodeAt(0);
    let tagAt = 0;
    let ts: number | null = null;
    let tsOriginal: string | null = null;
    let sequence: number | null = null;
    if (c !== 37 /* % */) {
      // Cheap look first: `: %` near the start (searched backwards from a fixed bound).
      if (!(c === 42 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
      const k = text.lastIndexOf(': %', HEADER_MAX);
      if (k < 0) return false;
      let p = 0;
      // `3924923: ` sequence number.
      let e = p;
      while (e < k && e - p < 12 && text.charCodeAt(e) >= 48 && text.charCodeAt(e) <= 57) e++;
      if (e > p && text.charCodeAt(e) === 58 && text.charCodeAt(e + 1) === 32 && e < k) {
        sequence = Number(text.slice(p, e));
        p = e + 2;
      }
      if (text.charCodeAt(p) === 42 || text.charCodeAt(p) === 46) p++; // `*` / `.`: clock not authoritative
      const m = scanMonthFirst(text, p, ctx.receivedAt, false);
      if (m !== null) {
        let end = m.end;
        let ms = m.ms;
        if (end < k && text.charCodeAt(end) === 32) {
          // A zone word: a known abbreviation moves the stamp; `clock timezone` names stand.
          const word = text.slice(end + 1, k);
          if (!/^[A-Za-z]{1,6}$/.test(word)) return false;
          const offset = zoneAbbreviation(word.toUpperCase(), 0, word.length);
          if (offset !== null) ms -= offset * 60_000;
          end = k;
        }
        if (end !== k) return false;
        ts = ms;
        tsOriginal = text.slice(p, k);
      } else if (!/^(?:\d{1,2}:\d\d:\d\d(?:\.\d{1,3})?|\d{1,3}[wdy]\d{1,2}[dhw])$/.test(text.slice(p, k))) {
        return false; // uptime (`00:00:46`, `2w3d`) is no date: the receive time stands
      }
      tagAt = k + 2;
    }
    const t = readCiscoTag(text, tagAt);
    if (t === null) return false;
    draft.format = 'text';
    if (ts !== null) {
      draft.ts = ts;
      draft.tsOriginal = tsOriginal;
    }
    draft.process = t.facility;
    draft.level = t.level;
    draft.attributes.syslog = { tag: t.tag, msgid: t.mnemonic };
    if (sequence !== null && Number.isSafeInteger(sequence)) draft.attributes.event = { sequence };
    draft.message = text.slice(t.end);
    claim(draft, 'cisco');
    return true;
  },
};
