import { scanIso, scanMonthFirst } from '../time.js';
import type { DecodeContext, Draft } from './draft.js';
import { parseLevelWord } from './level.js';

/**
 * Plain text: the message is the whole text, unchanged. Cheap extras, each a single look at the
 * start of the line:
 * - a leading timestamp, optionally in `[…]`, ISO 8601 (`2024-01-01T12:00:00Z`, `2024-01-01 12:00:00,123`) or
 *   month-first (`Oct 11 22:14:15`), → ts;
 * - then a level word (`ERROR`, `[warn]`, `<Info>`, `WARN:`, `debug|`), any case after a timestamp, upper
 *   case or bracketed without one → level.
 */
export function decodeText(text: string, draft: Draft, ctx: DecodeContext): void {
  draft.format = 'text';
  draft.message = text;
  let p = 0;
  while (p < text.length && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  const q = text.charCodeAt(p) === 91 /* [ */ ? p + 1 : p;
  const c = text.charCodeAt(q);
  let afterTs = false;
  const ts = c >= 48 && c <= 57 ? scanIso(text, q, true) : c >= 65 ? scanMonthFirst(text, q, ctx.receivedAt, true) : null;
  if (ts !== null && (ts.end === text.length || isSep(text.charCodeAt(ts.end)))) {
    draft.ts = ts.ms;
    draft.tsOriginal = text.slice(q, ts.end);
    afterTs = true;
    p = ts.end;
    while (p < text.length && isSep(text.charCodeAt(p))) p++;
  }
  const level = levelAt(text, p, afterTs);
  if (level !== null) draft.level = level;
}

function levelAt(s: string, p: number, anyCase: boolean): number | null {
  const open = s.charCodeAt(p);
  const bracketed = open === 91 /* [ */ || open === 60 /* < */ || open === 40; /* ( */
  const start = bracketed ? p + 1 : p;
  let end = start;
  while (end < s.length && end - start <= 13) {
    const c = s.charCodeAt(end);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) break;
    end++;
  }
  if (end === start) return null;
  const close = s.charCodeAt(end);
  if (bracketed) {
    if (close !== 93 && close !== 62 && close !== 41) return null;
  } else if (!(end === s.length || close === 32 || close === 58 || close === 9 || close === 124)) return null;
  const word = s.slice(start, end);
  if (!bracketed && !anyCase && word !== word.toUpperCase()) return null;
  return parseLevelWord(word);
}

function isSep(c: number): boolean {
  return c === 32 || c === 9 || c === 93 /* ] */ || c === 124 /* | */;
}
