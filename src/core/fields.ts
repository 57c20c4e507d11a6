import type { NormalizedEvent } from './event.js';
import { METRIC_KEYS } from './event.js';

/**
 * Field paths, the one reader of event fields for match rules, their templates and groupings,
 * and Sigma rules (with their field mapping on top, sigma/field-check.ts):
 *
 * - Top-level event keys: `host`, `process`, `user`, `src_ip`, `message`, `level`, `format`, …
 * - Metric shortcuts: `cpu_pct`, `mem_pct`, … (same as `metrics.cpu_pct`).
 * - Dotted paths into objects: `attributes.EventID`, `asset.criticality`, `source.topic`.
 * - Arrays are flattened: `threats.name` yields every threat's name; `tags` yields every tag.
 * - A first name that is not an event field is read in `attributes` (`EventID` →
 *   `attributes.EventID`), and so is an event field without a value (`user` → `attributes.user`
 *   when the event's user is null).
 *
 * A path is compiled once into a reader, because rules read fields of every event: no split, no
 * allocation on the common paths (a top-level key, `attributes.X`). Only inherited properties
 * are never read (`toString` is a field only when an object has it as its own key).
 */

/**
 * What a reader returns: `undefined` (no value), one value, or an array standing for its
 * elements (a list field such as `tags`, or the values gathered through lists such as
 * `threats.name`). Elements may be null; `readValues` and `someValue` skip them, `valuesOf`
 * keeps them. A metric without a value may read as null. Callers never mutate a read.
 */
export type FieldRead = unknown;
export type FieldReader = (root: NormalizedEvent) => FieldRead;
export type ObjectReader = (root: unknown) => FieldRead;

const METRIC_SET: ReadonlySet<string> = new Set(METRIC_KEYS);

/** Keys every NormalizedEvent has as own properties: read directly, no ownership check. */
const EVENT_KEYS: ReadonlySet<string> = new Set([
  'ts', 'ts_fallback', 'received_at', 'source', 'format', 'host', 'level', 'level_name', 'message', 'metrics', 'process',
  'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'domain', 'file_hash', 'threats', 'tags', 'asset',
  'attributes', 'raw', 'raw_truncated', 'parse_error',
]);

type Get = (o: unknown) => unknown;

/**
 * A property read that ignores inherited properties. Only names that exist on Object.prototype
 * (`constructor`, `toString`…) need the slower ownership check; other reads go straight to the
 * property, which V8 keeps fast whatever the object's shape.
 */
function getter(key: string): Get {
  if (key in Object.prototype) return (o) => (typeof o === 'object' && o !== null && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined);
  return (o) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined);
}

/** A reader over events. */
export function compileReader(path: string): FieldReader {
  if (METRIC_SET.has(path)) {
    const key = path as keyof NormalizedEvent['metrics'];
    return (ev) => ev.metrics[key];
  }
  const parts = path.split('.');
  const first = parts[0] as string;
  if (first === 'attributes') {
    if (parts.length === 1) return (ev) => ev.attributes;
    return compilePath(parts.slice(1), (ev) => ev.attributes);
  }
  // A name that is not an event field is a message field (`EventID` → `attributes.EventID`), even
  // when the object has a key of that name: a stored event's `id` is not the message's `id`.
  if (!EVENT_KEYS.has(first)) return compilePath(parts, (ev) => ev.attributes);
  const key = first as keyof NormalizedEvent;
  if (parts.length === 1) {
    // The commonest case, kept to one closure: an event field, else the message field of that name.
    const attr = getter(first);
    return (ev) => {
      const v = ev[key];
      if (v !== null && v !== undefined) return v;
      return attr(ev.attributes) ?? undefined;
    };
  }
  const inAttributes = compilePath(parts, (ev) => ev.attributes);
  const inEvent = compilePath(parts.slice(1), (ev) => ev[key]);
  // An event field without a value falls back to the message field of that name.
  return (ev) => {
    const top = ev[key];
    return top === null || top === undefined ? inAttributes(ev) : inEvent(ev);
  };
}

/** Reads `parts` below the object `root` returns. */
function compilePath(parts: readonly string[], root: (ev: NormalizedEvent) => unknown): FieldReader {
  const gets = parts.map(getter);
  if (gets.length === 1) {
    const key = parts[0] as string;
    // `attributes.X`: attributes is always a plain object; one property read.
    if (!(key in Object.prototype)) {
      return (ev) => {
        const o = root(ev);
        if (typeof o !== 'object' || o === null) return undefined;
        if (Array.isArray(o)) return walkList(o, parts, 0);
        return (o as Record<string, unknown>)[key] ?? undefined;
      };
    }
    const g = gets[0] as Get;
    return (ev) => {
      const o = root(ev);
      if (Array.isArray(o)) return walkList(o, parts, 0);
      return g(o) ?? undefined;
    };
  }
  return (ev) => walk(root(ev), parts, gets, 0);
}

/** A reader over any object (elements of a list, for `some:` blocks): plain dotted paths. */
export function compileObjectReader(path: string): ObjectReader {
  const parts = path.split('.');
  const gets = parts.map(getter);
  return (root) => walk(root, parts, gets, 0);
}

function walk(root: unknown, parts: readonly string[], gets: readonly Get[], from: number): FieldRead {
  let cur: unknown = root;
  for (let i = from; i < parts.length; i++) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) return walkList(cur, parts, i);
    cur = (gets[i] as Get)(cur);
  }
  return cur === null ? undefined : cur;
}

/** Reads parts[from..] in every element of a list: no value, the one value, or the values flattened. */
function walkList(list: readonly unknown[], parts: readonly string[], from: number): FieldRead {
  let current: unknown[] = [];
  for (const c of list) collect(c, parts[from] as string, current);
  for (let i = from + 1; i < parts.length && current.length > 0; i++) {
    const next: unknown[] = [];
    for (const c of current) collect(c, parts[i] as string, next);
    current = next;
  }
  if (current.length === 0) return undefined;
  if (current.length === 1) return current[0];
  const out: unknown[] = [];
  for (const c of current) {
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
  if (typeof value !== 'object' || !Object.hasOwn(value, key)) return;
  const v = (value as Record<string, unknown>)[key];
  if (v !== undefined && v !== null) into.push(v);
}

/** Calls `f` with each non-null value of a read until it returns true. */
export function someValue(read: FieldRead, f: (v: unknown) => boolean): boolean {
  if (read === undefined || read === null) return false;
  if (!Array.isArray(read)) return f(read);
  for (const v of read) if (v !== null && v !== undefined && f(v)) return true;
  return false;
}

/** The non-null values of a read as a list (for messages and `matched`), at most `max`. */
export function readValues(read: FieldRead, max = 10): unknown[] {
  if (read === undefined || read === null) return [];
  if (!Array.isArray(read)) return [read];
  const out: unknown[] = [];
  for (const v of read) {
    if (v === null || v === undefined) continue;
    out.push(v);
    if (out.length >= max) break;
  }
  return out;
}

/** Every value a read stands for, nulls inside lists kept (for cold paths and tests). */
export function valuesOf(read: FieldRead): unknown[] {
  if (read === undefined) return [];
  return Array.isArray(read) ? read : [read];
}

/** A scalar as text for string comparisons; null for objects, arrays, null and undefined. */
export function asText(v: unknown): string | null {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return null;
  }
}

/** A number, or a numeric string (`"42"`, `" 4.5 "`); null otherwise. */
export function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    if (v.trim() === '') return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}
