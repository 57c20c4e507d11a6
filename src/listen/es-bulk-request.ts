/**
 * The Elasticsearch bulk protocol (POST /_bulk, /{index}/_bulk), pure: the NDJSON body cut into
 * items, and the answer shaped as Elasticsearch shapes it, one entry per item in request order,
 * so a client retries only the items that failed.
 *
 * Body: an action line `{"index"|"create"|"update"|"delete": {"_index"?, "_id"?, …}}`, then for
 * every action but delete one source line (the document). Blank lines are skipped.
 *
 * - index and create store the document (a JSON object) as one message; the rest of the action
 *   (routing, pipeline, version, require_alias…) is ignored.
 * - update and delete are answered per item with 400: the store is append-only.
 * - A document that is not a JSON object, a missing or invalid index, a bad `_id`: that item
 *   gets 400 with Elasticsearch's error type; the others are stored.
 * - A line where an action is expected that is not one (a JSON object with one of the four
 *   actions), or an action without its source line at the end: one item with 400 each
 *   (Elasticsearch refuses the whole request; here the good items still go through). Only a
 *   body without any line is refused whole.
 *
 * `_id`: the client's, or, when it sends none, 20 base64url characters (the length of
 * Elasticsearch's own) derived from the SHA-256 of the body and the item's position, so a
 * retried request is answered with the same ids. A client `_id` is stored as the event's source
 * offset (esIdOffset): a second document with the same index and `_id` is not stored again and
 * is answered as existing (create 409, index 200 "noop"; see docs/listeners.md).
 */
import { createHash } from 'node:crypto';

export const BULK_ACTIONS = ['index', 'create', 'update', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/**
 * What an index name may be here: Elasticsearch's rules, simplified (lower case; none of
 * `\ / * ? " < > | , #`, space or control characters; not starting with `_`, `-`, `+` or `.`), at
 * most 255 characters.
 */
export const INDEX_NAME_PATTERN = '^[a-z0-9][^\\u0000-\\u001fA-Z\\\\/*?"<>|,# ]{0,254}$';
const INDEX_NAME = new RegExp(INDEX_NAME_PATTERN);

/** Elasticsearch refuses longer ids. */
const MAX_ID_BYTES = 512;

export interface BulkItemError {
  /** The item's HTTP status (400, 409…). */
  status: number;
  /** Elasticsearch's exception type, which clients log. */
  type: string;
  reason: string;
}

export interface BulkItem {
  action: BulkAction;
  /** The target index ('' when the request named none). */
  index: string;
  /** The client's `_id`, or one derived from the body and the position. */
  id: string;
  /** Whether `id` came from the client (then the store refuses a second copy). */
  clientId: boolean;
  /** The document to store; null when the item is refused (error set). */
  doc: Buffer | null;
  error: BulkItemError | null;
}

export type BulkParse = { ok: true; items: BulkItem[] } | { ok: false; reason: 'empty' } | { ok: false; reason: 'too-many'; count: number };

/**
 * Cuts a bulk body into items. `defaultIndex` is the path's index (null for /_bulk);
 * `bodySha256` (hex) seeds the derived ids; more than `maxItems` items is 'too-many'; a body
 * without a line is 'empty'.
 */
export function parseBulk(body: Buffer, defaultIndex: string | null, bodySha256: string, maxItems: number): BulkParse {
  const lines = splitLines(body);
  if (lines.length === 0) return { ok: false, reason: 'empty' };
  const items: BulkItem[] = [];
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = lines[i]!.no;
    const action = parseAction(lines[i]!.text);
    count++;
    if (typeof action !== 'string' && action.action !== 'delete') i++;
    if (count > maxItems) continue;
    const pos = items.length;
    if (typeof action === 'string') {
      // Elasticsearch refuses the whole request here; one item per bad line lets a client's
      // good items through and keeps the rule "2xx = every item answered" simple.
      items.push(refused(defaultIndex, bodySha256, pos, `Malformed action/metadata line [${lineNo}], ${action}`));
      continue;
    }
    const item: BulkItem = { action: action.action, index: '', id: '', clientId: false, doc: null, error: null };
    items.push(item);
    const meta = action.meta;
    let source: Buffer | null = null;
    if (action.action !== 'delete') {
      const next = lines[i];
      if (next === undefined) {
        item.index = typeof meta._index === 'string' ? meta._index : (defaultIndex ?? '');
        item.id = typeof meta._id === 'string' && meta._id !== '' ? meta._id : derivedId(bodySha256, pos);
        item.error = { status: 400, type: 'illegal_argument_exception', reason: `the ${action.action} action on line [${lineNo}] has no source line after it` };
        continue;
      }
      source = next.bytes;
    }
    const fail = (status: number, type: string, reason: string) => (item.error ??= { status, type, reason });

    const rawIndex = meta._index;
    if (rawIndex !== undefined && typeof rawIndex !== 'string') fail(400, 'illegal_argument_exception', '_index must be a string');
    const index = typeof rawIndex === 'string' ? rawIndex : (defaultIndex ?? '');
    item.index = index;
    const rawId = meta._id;
    if (rawId === undefined || rawId === null) {
      item.id = derivedId(bodySha256, pos);
    } else if (typeof rawId !== 'string' || rawId === '') {
      item.id = derivedId(bodySha256, pos);
      fail(400, 'illegal_argument_exception', 'if _id is specified it must be a non-empty string');
    } else {
      item.id = rawId;
      item.clientId = true;
      if (Buffer.byteLength(rawId) > MAX_ID_BYTES) fail(400, 'illegal_argument_exception', `id [${rawId.slice(0, 32)}…] is too long, must be no longer than ${MAX_ID_BYTES} bytes`);
    }
    if (index === '') fail(400, 'action_request_validation_exception', 'Validation Failed: 1: index is missing;');
    else if (!INDEX_NAME.test(index)) fail(400, 'invalid_index_name_exception', `Invalid index name [${index.slice(0, 64)}], must be lower case, must not start with '_', '-', '+' or '.', and must not contain \\, /, *, ?, ", <, >, |, ',', # or a space`);
    if (action.action === 'update' || action.action === 'delete') {
      fail(400, 'action_request_validation_exception', `logagg stores events append-only: ${action.action} is not supported; send index or create`);
    }
    if (item.error !== null || source === null) continue;
    const docError = documentError(source);
    if (docError !== null) fail(400, 'document_parsing_exception', docError);
    else item.doc = source;
  }
  return count > maxItems ? { ok: false, reason: 'too-many', count } : { ok: true, items };
}

function refused(defaultIndex: string | null, bodySha256: string, pos: number, reason: string): BulkItem {
  return {
    action: 'index',
    index: defaultIndex ?? '',
    id: derivedId(bodySha256, pos),
    clientId: false,
    doc: null,
    error: { status: 400, type: 'illegal_argument_exception', reason },
  };
}

/**
 * The source offset that stands for a client `_id` (the store keeps one event per topic,
 * partition and offset): the first 63 bits of its SHA-256, as a decimal string.
 */
export function esIdOffset(id: string): string {
  const h = createHash('sha256').update(id).digest();
  return (h.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString();
}

/** What became of a stored item: stored now, or already there (same index and client `_id`). */
export type StoreOutcome = 'created' | 'exists';

export interface BulkItemAnswer {
  _index: string;
  _id: string;
  status: number;
  result?: 'created' | 'noop';
  _version?: number;
  _shards?: { total: number; successful: number; failed: number };
  _seq_no?: number;
  _primary_term?: number;
  error?: { type: string; reason: string };
}

export interface BulkAnswer {
  took: number;
  errors: boolean;
  items: Partial<Record<BulkAction, BulkItemAnswer>>[];
}

/**
 * The bulk answer: `outcomes` holds one entry per item with a document, in order. An existing
 * document is 409 version_conflict_engine_exception for create (as Elasticsearch) and 200
 * "noop" for index: the first copy stays, as stored and as detection saw it.
 */
export function bulkAnswer(items: readonly BulkItem[], outcomes: readonly StoreOutcome[], tookMs: number): BulkAnswer {
  let errors = false;
  let at = 0;
  const out = items.map((item, seq) => {
    const base = { _index: item.index, _id: item.id };
    let answer: BulkItemAnswer;
    if (item.error !== null) {
      answer = { ...base, status: item.error.status, error: { type: item.error.type, reason: item.error.reason } };
    } else {
      const outcome = outcomes[at++];
      if (outcome === 'exists' && item.action === 'create') {
        answer = {
          ...base,
          status: 409,
          error: { type: 'version_conflict_engine_exception', reason: `[${item.id}]: version conflict, document already exists (current version [1])` },
        };
      } else {
        const created = outcome !== 'exists';
        answer = { ...base, _version: 1, result: created ? 'created' : 'noop', _shards: { total: 1, successful: created ? 1 : 0, failed: 0 }, _seq_no: seq, _primary_term: 1, status: created ? 201 : 200 };
      }
    }
    if (answer.status >= 400) errors = true;
    return { [item.action]: answer };
  });
  return { took: Math.max(0, Math.round(tookMs)), errors, items: out };
}

function derivedId(bodySha256: string, pos: number): string {
  return createHash('sha256').update(`${bodySha256}:${pos}`).digest('base64url').slice(0, 20);
}

/** Why `source` is not a document Elasticsearch would index (a JSON object); null when it is. */
function documentError(source: Buffer): string | null {
  let value: unknown;
  try {
    value = JSON.parse(source.toString('utf8'));
  } catch (e) {
    return `failed to parse: ${(e as Error).message}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `failed to parse: the document must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`;
  }
  return null;
}

/** The action of an action line, or why it is none (Elasticsearch's wording). */
function parseAction(text: string): { action: BulkAction; meta: Record<string, unknown> } | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'expected START_OBJECT but found a line that is not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'expected START_OBJECT';
  const keys = Object.keys(value);
  if (keys.length !== 1) return `expected one action but found ${keys.length}`;
  const action = keys[0]!;
  if (!(BULK_ACTIONS as readonly string[]).includes(action)) {
    return `expected field [create], [delete], [index] or [update] but found [${action.slice(0, 64)}]`;
  }
  const meta = (value as Record<string, unknown>)[action];
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return `expected START_OBJECT after [${action}]`;
  return { action: action as BulkAction, meta: meta as Record<string, unknown> };
}

interface Line {
  /** 1-based line number in the body, for messages. */
  no: number;
  bytes: Buffer;
  text: string;
}

/** LF-separated lines, a trailing CR dropped, empty lines skipped, a leading BOM ignored (as POST /api/v1/ingest). */
function splitLines(body: Buffer): Line[] {
  const out: Line[] = [];
  let start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  let no = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    no++;
    let stop = end;
    if (stop > start && body[stop - 1] === 0x0d) stop--;
    const bytes = body.subarray(start, stop);
    if (stop > start) out.push({ no, bytes, text: bytes.toString('utf8') });
    start = end + 1;
  }
  return out;
}
