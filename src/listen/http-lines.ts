/**
 * Cutting an HTTP ingest body into messages, by media type:
 *   application/x-ndjson (and ndjson, jsonl, x-jsonlines): one message a line;
 *   application/json: an array, one message an element (a string element is the message
 *     text itself; any other element is its exact JSON text, so big numbers keep every
 *     digit); any other JSON value is one message;
 *   text/plain: one message a line.
 * Lines are LF-separated, a trailing CR is dropped, empty lines are skipped. A line is not
 * checked here: a bad one is stored with parse_error like any undecodable message.
 * Pure.
 */

export type BodyKind = 'ndjson' | 'json' | 'text';

export const BODY_MEDIA_TYPES: Readonly<Record<string, BodyKind>> = {
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/jsonlines': 'ndjson',
  'application/json': 'json',
  'text/plain': 'text',
};

/** The kind of a Content-Type header value, or null when it is not one we take. */
export function bodyKind(contentType: string | undefined): BodyKind | null {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return BODY_MEDIA_TYPES[media] ?? null;
}

export type SplitResult = { ok: true; lines: Buffer[] } | { ok: false; reason: 'too-many'; count: number } | { ok: false; reason: 'bad-json'; error: string };

const LF = 0x0a;
const CR = 0x0d;

export function splitBody(body: Buffer, kind: BodyKind, maxLines: number): SplitResult {
  return kind === 'json' ? splitJson(body, maxLines) : splitLines(body, maxLines);
}

function splitLines(body: Buffer, maxLines: number): SplitResult {
  const lines: Buffer[] = [];
  let count = 0;
  let start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  while (start < body.length) {
    let end = body.indexOf(LF, start);
    if (end < 0) end = body.length;
    let stop = end;
    if (stop > start && body[stop - 1] === CR) stop--;
    if (stop > start) {
      count++;
      if (count <= maxLines) lines.push(body.subarray(start, stop));
    }
    start = end + 1;
  }
  return count > maxLines ? { ok: false, reason: 'too-many', count } : { ok: true, lines };
}

function splitJson(body: Buffer, maxLines: number): SplitResult {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: 'bad-json', error: (e as Error).message };
  }
  if (!Array.isArray(value)) return { ok: true, lines: [Buffer.from(text.trim(), 'utf8')] };
  if (value.length > maxLines) return { ok: false, reason: 'too-many', count: value.length };
  const spans = arrayElementSpans(text);
  const lines: Buffer[] = [];
  value.forEach((element, i) => {
    const [from, to] = spans[i]!;
    lines.push(Buffer.from(typeof element === 'string' ? element : text.slice(from, to), 'utf8'));
  });
  return { ok: true, lines: lines.filter((l) => l.length > 0) };
}

/**
 * [start, end) of each element of the top-level array in `text`, which JSON.parse accepted
 * (so no error handling: strings, escapes and nesting are well formed).
 */
function arrayElementSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let i = text.indexOf('[') + 1;
  let depth = 0;
  let start = -1;
  let last = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      if (start < 0) start = i;
      i++;
      while (text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      last = i;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (start < 0) start = i;
      depth++;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      if (depth === 0) {
        if (start >= 0) spans.push([start, last + 1]);
        break;
      }
      depth--;
    } else if (c === 0x2c /* , */ && depth === 0) {
      spans.push([start, last + 1]);
      start = -1;
      continue;
    } else if (start < 0) {
      start = i;
    }
    last = i;
  }
  return spans;
}
