import type { DecodeContext, Draft } from './draft.js';
import { setOwn } from './draft.js';
import { mapRecord } from './field-mapper.js';

/**
 * logfmt: `key=value key2="quoted \"value\"" flag`. Bare keys are `true`, `key=` is the empty
 * string, a repeated key collects its values in an array. Values stay strings (the alias mapper
 * turns numeric strings into numbers where a field expects one). Inside quotes `\"`, `\\`,
 * `\n`, `\t`, `\r` are unescaped; any other backslash is kept.
 */

export type LogfmtResult =
  | { ok: true; pairs: Record<string, unknown>; assignments: number; bare: number }
  | { ok: false; error: string };

export function parseLogfmt(text: string): LogfmtResult {
  const pairs: Record<string, unknown> = {};
  let assignments = 0;
  let bare = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 61 /* = */ || c === 34 /* " */ || isSpace(c)) break;
      i++;
    }
    if (i === keyStart) return { ok: false, error: `logfmt: expected a key at column ${i + 1}` };
    const key = text.slice(keyStart, i);
    if (i >= n || text.charCodeAt(i) !== 61) {
      if (i < n && text.charCodeAt(i) === 34) return { ok: false, error: `logfmt: unexpected quote at column ${i + 1}` };
      put(pairs, key, true);
      bare++;
      continue;
    }
    i++; // '='
    assignments++;
    if (text.charCodeAt(i) === 34) {
      const q = readQuoted(text, i + 1);
      if (q === null) return { ok: false, error: `logfmt: unterminated quote at column ${i + 1}` };
      put(pairs, key, q.value);
      i = q.end;
      if (i < n && !isSpace(text.charCodeAt(i))) return { ok: false, error: `logfmt: expected a space after the quoted value at column ${i + 1}` };
    } else {
      const vStart = i;
      while (i < n && !isSpace(text.charCodeAt(i))) i++;
      put(pairs, key, text.slice(vStart, i));
    }
  }
  return { ok: true, pairs, assignments, bare };
}

/** Fills the draft; `pairs` comes from parseLogfmt and is consumed. */
export function decodeLogfmt(pairs: Record<string, unknown>, draft: Draft, ctx: DecodeContext): void {
  draft.format = 'logfmt';
  mapRecord(pairs, draft, ctx);
}

function readQuoted(s: string, i: number): { value: string; end: number } | null {
  let out = '';
  let runStart = i;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34) return { value: out + s.slice(runStart, i), end: i + 1 };
    if (c === 92 /* \ */ && i + 1 < s.length) {
      const e = s.charCodeAt(i + 1);
      const rep = e === 34 ? '"' : e === 92 ? '\\' : e === 110 ? '\n' : e === 116 ? '\t' : e === 114 ? '\r' : null;
      if (rep !== null) {
        out += s.slice(runStart, i) + rep;
        i += 2;
        runStart = i;
        continue;
      }
    }
    i++;
  }
  return null;
}

function put(pairs: Record<string, unknown>, key: string, value: unknown): void {
  if (!Object.prototype.hasOwnProperty.call(pairs, key)) setOwn(pairs, key, value);
  else {
    const prev = pairs[key];
    if (Array.isArray(prev)) prev.push(value);
    else setOwn(pairs, key, [prev, value]);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
