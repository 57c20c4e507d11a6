import { decodeEnvelope, envelopeOf } from '../recognize/envelope-json.js';
import { decodeWindowsEvent, windowsShapeOf } from '../recognize/windows-event.js';
import type { DecodeContext, Draft } from './draft.js';
import { claim } from './draft.js';
import { mapRecord, isPlainObject } from './field-mapper.js';

/**
 * JSON decoder. An object is mapped through the alias table (field-mapper.ts); one in a log
 * shipper's shape (ECS, Docker, journald, …; src/core/recognize/envelope-json.ts) also has the
 * line it carries decoded and merged in, when `ctx.decodeLine` is set. A Windows event log record
 * (Winlogbeat, evtx-to-JSON, NXLog, flat; src/core/recognize/windows-event.ts) is normalized
 * to the names Sigma's Windows rules use. Valid JSON that is
 * not an object (array, string, number, boolean, null) is kept whole in `attributes.value`;
 * a top-level string also becomes the message.
 *
 * Returns false, leaving the draft untouched, when the text is not valid JSON; `error` then
 * holds the parser's reason (it names the position).
 */
export function decodeJson(text: string, draft: Draft, ctx: DecodeContext): { ok: true } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = (e as Error).message;
    // V8 names the position for some errors only; find it ourselves for the others.
    return { ok: false, error: reason.includes('position') ? `json: ${reason}` : `json: ${reason} (at position ${jsonErrorOffset(text)})` };
  }
  draft.format = 'json';
  claim(draft, 'json');
  if (isPlainObject(value)) {
    const win = windowsShapeOf(value);
    if (win !== null) {
      decodeWindowsEvent(value, win, draft, ctx);
      return { ok: true };
    }
    // Outside an envelope already, a shipper's shape has its line decoded too.
    const env = ctx.decodeLine === undefined ? null : envelopeOf(value, ctx.shipped === true);
    if (env === null) mapRecord(value, draft, ctx);
    else decodeEnvelope(value, env, draft, ctx);
    return { ok: true };
  }
  draft.attributes = { value };
  if (typeof value === 'string') draft.message = value;
  return { ok: true };
}

/**
 * Under auto-detection, text that starts with `{` is only reported as broken JSON when it really
 * looks like JSON — `{` followed by a quote or `}` — so that `{foo} happened` stays text.
 */
export function looksLikeJsonObject(text: string, start: number): boolean {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c === 34 /* " */ || c === 125 /* } */;
    i++;
  }
  return true;
}

/** jsonErrorOffset states: what the next token may be. */
const Mode = { Value: 0, ValueOrClose: 1, Key: 2, KeyOrClose: 3, After: 4 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * Offset of the first character where `text` stops being valid JSON (text.length when it ends
 * too early); -1 when it is valid. A syntax check without building values, iterative so deep
 * nesting cannot overflow the stack. Only run after JSON.parse failed.
 */
export function jsonErrorOffset(text: string): number {
  const stack: number[] = []; // 123 for {, 91 for [
  let mode: Mode = Mode.Value;
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && isWs(text.charCodeAt(i))) i++;
    if (i >= n) return mode === Mode.After && stack.length === 0 ? -1 : n;
    const c = text.charCodeAt(i);
    if (mode === Mode.After) {
      const top = stack[stack.length - 1];
      if (top === undefined) return i; // trailing garbage
      if (c === 44 /* , */) mode = top === 123 ? Mode.Key : Mode.Value;
      else if (c === (top === 123 ? 125 : 93)) stack.pop();
      else return i;
      i++;
      continue;
    }
    if (mode === Mode.Key || mode === Mode.KeyOrClose) {
      if (c === 125 && mode === Mode.KeyOrClose) {
        stack.pop();
        i++;
        mode = Mode.After;
        continue;
      }
      if (c !== 34) return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      while (i < n && isWs(text.charCodeAt(i))) i++;
      if (i >= n) return n;
      if (text.charCodeAt(i) !== 58 /* : */) return i;
      i++;
      mode = Mode.Value;
      continue;
    }
    // a value
    if (c === 93 && mode === Mode.ValueOrClose) {
      stack.pop();
      i++;
      mode = Mode.After;
      continue;
    }
    if (c === 123 || c === 91) {
      stack.push(c);
      i++;
      mode = c === 123 ? Mode.KeyOrClose : Mode.ValueOrClose;
      continue;
    }
    let end: number;
    if (c === 34) end = stringEnd(text, i);
    else if (c === 45 || (c >= 48 && c <= 57)) end = numberEnd(text, i);
    else if (text.startsWith('true', i)) end = i + 4;
    else if (text.startsWith('false', i)) end = i + 5;
    else if (text.startsWith('null', i)) end = i + 4;
    else return i;
    if (end < 0) return -end - 1;
    i = end;
    mode = Mode.After;
  }
}

/** End of the string starting at s[i] (after the closing quote), or -(offset of the fault) - 1. */
function stringEnd(s: string, i: number): number {
  for (let k = i + 1; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 34) return k + 1;
    if (c < 32) return -k - 1;
    if (c === 92) {
      const e = s.charCodeAt(k + 1);
      if (e === 117 /* u */) {
        for (let h = 2; h < 6; h++) if (!isHex(s.charCodeAt(k + h))) return -(k + h) - 1;
        k += 5;
      } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) k++;
      else return -(k + 1) - 1;
    }
  }
  return -s.length - 1;
}

/** End of the number starting at s[i], or -(offset of the fault) - 1. */
function numberEnd(s: string, i: number): number {
  let k = i;
  if (s.charCodeAt(k) === 45) k++;
  if (s.charCodeAt(k) === 48) k++;
  else if (isDigit(s.charCodeAt(k))) while (isDigit(s.charCodeAt(k))) k++;
  else return -k - 1;
  if (s.charCodeAt(k) === 46) {
    k++;
    if (!isDigit(s.charCodeAt(k))) return -k - 1;
    while (isDigit(s.charCodeAt(k))) k++;
  }
  const e = s.charCodeAt(k);
  if (e === 101 || e === 69) {
    k++;
    if (s.charCodeAt(k) === 43 || s.charCodeAt(k) === 45) k++;
    if (!isDigit(s.charCodeAt(k))) return -k - 1;
    while (isDigit(s.charCodeAt(k))) k++;
  }
  return k;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
