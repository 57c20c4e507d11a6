import { isPlainObject } from './problems.js';

/** JSON with object keys sorted, so equal documents hash equally whatever their key order. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  }
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  return JSON.stringify(v) ?? 'null';
}
