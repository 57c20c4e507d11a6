import type { DecodeContext, Draft } from '../decode/draft.js';
import { setOwn } from '../decode/draft.js';
import { isPlainObject } from '../decode/field-mapper.js';
import { isAbsurdTs } from '../time.js';

/**
 * Merging a shipper envelope (ECS, Docker json-file, journald, Fluent Bit, Vector, Logstash, a
 * CRI line) with the line it carries. The envelope's own fields are already in `draft`; the line
 * is decoded into a fresh draft by `ctx.decodeLine` (line recognizers, `<PRI>` syslog, JSON one
 * level deep) and merged in:
 *
 * - The line's values win where both say something (they are the program's own: the syslog
 *   header's host is the origin, the shipper's is where it ran). A differing envelope value is
 *   kept under `attributes._envelope.<field>`.
 * - Except the timestamp of a capture-time envelope (Docker, CRI, journald: the runtime stamped
 *   the line as it was written, with a zone and to the µs): there the envelope's time wins and
 *   a differing time read from the line is kept as `attributes._line_ts` (as written); so is
 *   a line time before 2000 or in the future when the envelope's is usable.
 * - `message` becomes the line's message part (the sshd text without its syslog header), so
 *   full-text search and rules see what the program said; the whole line is in `raw`. The
 *   envelope's copy is not kept again in attributes.
 * - The line's attributes are merged into the envelope's, objects key by key; a differing
 *   envelope value goes under `_envelope` at the same path.
 * - A line that fails to decode (broken inner JSON) stays the message, whole.
 */

/** Differences smaller than this between the two timestamps are precision, not disagreement. */
const SAME_TS_MS = 1000;

/** Top-level fields a line can set, merged one by one (metrics, threats, tags apart). */
const FIELDS = ['host', 'level', 'process', 'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'domain', 'file_hash'] as const;

/**
 * Decodes `line` (the envelope's message, already in `draft.message`) and merges it into the
 * draft. No-op without `ctx.decodeLine` (inside an envelope already) or for a blank line.
 */
export function mergeLine(draft: Draft, line: string, ctx: DecodeContext, captureTime: boolean): void {
  const text = trimEol(line);
  draft.message = text;
  if (ctx.decodeLine === undefined || text.trim().length === 0) return;
  const inner = ctx.decodeLine(text, ctx);
  if (inner.error !== null) return;
  const stash: Record<string, unknown> = {};

  if (inner.ts !== null) {
    const differs = draft.ts === null || Math.abs(draft.ts - inner.ts) >= SAME_TS_MS;
    // A time the normalizer would throw away (before 2000, in the future) never displaces a
    // usable one, whichever side it is on.
    const envelopeUsable = draft.ts !== null && !isAbsurdTs(draft.ts, ctx.receivedAt);
    const lineUsable = !isAbsurdTs(inner.ts, ctx.receivedAt);
    const lineWins = draft.ts === null || (lineUsable && (!envelopeUsable || (differs && !captureTime))) || (!lineUsable && !envelopeUsable && !captureTime);
    if (lineWins) {
      if (draft.ts !== null) stash.ts = draft.tsOriginal;
      draft.ts = inner.ts;
      draft.tsOriginal = inner.tsOriginal;
    } else if (differs) {
      setOwn(draft.attributes, '_line_ts', inner.tsOriginal);
    }
  }
  for (const f of FIELDS) {
    const v = inner[f];
    if (v === null) continue;
    const was = draft[f];
    // A program the line names only through its logger column (app-line) does not displace the
    // one the envelope names (journald's SYSLOG_IDENTIFIER, ECS process.name): the logger stays
    // in attributes.logger.
    if (f === 'process' && was !== null && inner.attributes.logger === v) continue;
    if (was !== null && was !== v) stash[f] = was;
    (draft as unknown as Record<string, unknown>)[f] = v;
  }
  for (const k of Object.keys(inner.metrics) as (keyof Draft['metrics'])[]) {
    const v = inner.metrics[k];
    if (v === undefined) continue;
    const was = draft.metrics[k];
    if (was !== undefined && was !== v) stash[`metrics.${k}`] = was;
    draft.metrics[k] = v;
  }
  for (const t of inner.threats) draft.threats.push(t);
  for (const t of inner.tags) if (!draft.tags.includes(t)) draft.tags.push(t);
  draft.message = inner.message ?? text;
  mergeAttributes(draft.attributes, inner.attributes, stash);
  if (hasKeys(stash)) {
    const prev = draft.attributes._envelope;
    setOwn(draft.attributes, '_envelope', isPlainObject(prev) ? Object.assign(prev, stash) : stash);
  }
  if (inner.parser !== null) draft.parser = draft.parser === null ? inner.parser : `${draft.parser}>${inner.parser}`;
}

/** Objects nested deeper than this are replaced whole, not merged (bounds the recursion). */
const MERGE_DEPTH = 16;

/** Copies src into target, objects merged key by key; a differing target value goes to stash. */
function mergeAttributes(target: Record<string, unknown>, src: Record<string, unknown>, stash: Record<string, unknown>, depth = 0): void {
  for (const k of Object.keys(src)) {
    const v = src[k];
    const was = Object.hasOwn(target, k) ? target[k] : undefined;
    if (isPlainObject(was) && isPlainObject(v) && depth < MERGE_DEPTH) {
      const sub: Record<string, unknown> = {};
      mergeAttributes(was, v, sub, depth + 1);
      if (hasKeys(sub)) setOwn(stash, k, sub);
      continue;
    }
    if (was !== undefined && !sameValue(was, v)) setOwn(stash, k, was);
    setOwn(target, k, v);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false; // nested too deep to compare: kept, as a difference
  }
}

function hasKeys(o: Record<string, unknown>): boolean {
  for (const _ in o) return true;
  return false;
}

/** The line without the newline Docker and CRI runtimes keep at its end. */
export function trimEol(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 10 && c !== 13) break;
    end--;
  }
  return end === s.length ? s : s.slice(0, end);
}
