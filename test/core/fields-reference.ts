import type { NormalizedEvent } from '../../src/core/event.js';
import { METRIC_KEYS } from '../../src/core/event.js';

/**
 * The field-path semantics of src/core/fields.ts written the plain way, one path step at a time
 * over lists of values (what src/core/fields.ts held before its compiled reader became the only
 * one): the oracle the compiled reader is tested against. Test code only.
 *
 * - Top-level event keys: `host`, `process`, `user`, `src_ip`, `message`, `level`, `format`, …
 * - Metric shortcuts: `cpu_pct`, `mem_pct`, … (same as `metrics.cpu_pct`).
 * - Dotted paths into objects: `attributes.EventID`, `asset.criticality`, `source.topic`.
 * - Arrays are flattened: `threats.name` yields every threat's name; `tags` yields every tag.
 *
 * Returns every value found at the path (an empty array when none), so that list-valued
 * fields match "any of". Pure; never throws.
 */
const METRIC_SET: ReadonlySet<string> = new Set(METRIC_KEYS);

export function fieldValues(event: NormalizedEvent, path: string): unknown[] {
  if (METRIC_SET.has(path)) {
    const v = event.metrics[path as keyof NormalizedEvent['metrics']];
    return v === undefined ? [] : [v];
  }
  const parts = path.split('.');
  let current: unknown[] = [event];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const c of current) collect(c, part, next);
    if (next.length === 0) {
      // Unknown top-level names fall back to attributes (e.g. `EventID` → `attributes.EventID`).
      if (current.length === 1 && current[0] === event && part !== 'attributes') {
        return fieldValues(event, 'attributes.' + path);
      }
      return [];
    }
    current = next;
  }
  const out: unknown[] = [];
  for (const c of current) {
    if (Array.isArray(c)) out.push(...c);
    else if (c !== undefined && c !== null) out.push(c);
  }
  return out;
}

function collect(value: unknown, key: string, into: unknown[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, key, into);
    return;
  }
  if (typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && v !== null) into.push(v);
  }
}
