import type { NormalizedEvent } from '../../event.js';
import { METRIC_KEYS } from '../../event.js';

/**
 * A field path compiled once into a reader with the semantics of `fieldValues` (src/core/fields.ts)
 * but without its per-call `split` and array allocations, because Sigma rules read several
 * fields of every event.
 *
 * The result is `undefined` when `fieldValues` would return `[]`; otherwise an array stands for
 * its elements and anything else for itself, so `valuesOf(get(e))` equals `fieldValues(e, path)`.
 */
export type FieldGetter = (event: NormalizedEvent) => unknown;

const METRIC_SET: ReadonlySet<string> = new Set(METRIC_KEYS);

/** Top-level keys every NormalizedEvent has as own properties (no hasOwn check needed). */
const EVENT_KEYS: ReadonlySet<string> = new Set([
  'ts', 'ts_fallback', 'received_at', 'source', 'format', 'host', 'level', 'level_name', 'message',
  'metrics', 'process', 'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'domain',
  'file_hash', 'threats', 'tags', 'asset', 'attributes', 'raw', 'raw_truncated', 'parse_error',
]);

export function compileFieldGetter(path: string): FieldGetter {
  if (METRIC_SET.has(path)) {
    const key = path as keyof NormalizedEvent['metrics'];
    return (e) => e.metrics[key];
  }
  const parts = path.split('.');
  const first = parts[0] as string;
  const known = EVENT_KEYS.has(first);
  const top = (e: NormalizedEvent): unknown => (known ? (e as unknown as Record<string, unknown>)[first] : own(e, first));
  if (first === 'attributes') {
    return (e) => walk(top(e), parts, 1);
  }
  // An unknown (or null) first segment falls back to attributes, as fieldValues does.
  if (parts.length === 1) {
    return (e) => {
      const v = top(e);
      if (v !== undefined && v !== null) return v;
      return own(e.attributes, first) ?? undefined;
    };
  }
  return (e) => {
    const v = top(e);
    if (v !== undefined && v !== null) return walk(v, parts, 1);
    return walk(e.attributes, parts, 0);
  };
}

/** The values a getter result stands for (for tests and cold paths). */
export function valuesOf(got: unknown): unknown[] {
  if (got === undefined) return [];
  return Array.isArray(got) ? got : [got];
}

function own(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null || !Object.hasOwn(obj, key)) return undefined;
  return (obj as Record<string, unknown>)[key];
}

/** Follows parts[from..] below `start`, flattening arrays on the way like fieldValues' collect. */
function walk(start: unknown, parts: readonly string[], from: number): unknown {
  let cur: unknown = start;
  let multi = false; // cur is a list of collected values rather than one value
  for (let i = from; i < parts.length; i++) {
    if (cur === undefined || cur === null) return undefined;
    const key = parts[i] as string;
    if (Array.isArray(cur)) {
      const next: unknown[] = [];
      collect(cur, key, next);
      if (next.length === 0) return undefined;
      multi = next.length > 1;
      cur = multi ? next : next[0];
    } else {
      cur = own(cur, key);
      multi = false;
    }
  }
  if (cur === undefined || cur === null) return undefined;
  if (!multi) return cur;
  const out: unknown[] = [];
  for (const c of cur as unknown[]) {
    if (Array.isArray(c)) out.push(...c);
    else out.push(c);
  }
  return out;
}

function collect(value: unknown, key: string, into: unknown[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, key, into);
    return;
  }
  const v = own(value, key);
  if (v !== undefined && v !== null) into.push(v);
}
