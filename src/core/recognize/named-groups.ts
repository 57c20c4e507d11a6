/**
 * Named groups an operator writes, `(?<src_ip>…)`, `(?<http.response.status_code:int>…)`:
 * JavaScript group names cannot hold dots or a type, so each is renamed `g0`, `g1`, … and the
 * field path and type are kept beside the regex. `\k<name>` back-references follow the rename.
 */

export const CAPTURE_TYPES = ['int', 'float', 'string'] as const;
export type CaptureType = (typeof CAPTURE_TYPES)[number];

export interface Capture {
  /** The JavaScript group name (`g0`, …). */
  group: string;
  /** A top-level event field (`src_ip`) or a dotted attribute path (`http.request.method`). */
  field: string;
  /** Conversion of the captured text; null = as the field wants it (see extractors.ts). */
  type: CaptureType | null;
}

export type RenamedSource = { ok: true; source: string; captures: Capture[] } | { ok: false; error: string };

/** A field path: identifier-like segments joined by dots (`@` and `-` allowed after the first character). */
export const FIELD_PATH = /^[A-Za-z_@][\w@-]*(?:\.[A-Za-z_@][\w@-]*)*$/;

/**
 * Rewrites every `(?<name>` / `(?<name:type>` of `source` (outside character classes and
 * escapes; lookbehinds `(?<=` `(?<!` untouched) to a generated name.
 */
export function renameGroups(source: string): RenamedSource {
  const captures: Capture[] = [];
  const byField = new Map<string, string>();
  let out = '';
  let i = 0;
  let inClass = false;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\\') {
      if (!inClass && source.startsWith('\\k<', i)) {
        const end = source.indexOf('>', i + 3);
        const name = end < 0 ? '' : source.slice(i + 3, end);
        const group = byField.get(name);
        if (group === undefined) return { ok: false, error: `\\k<${name}> refers to no group named "${name}" before it` };
        out += `\\k<${group}>`;
        i = end + 1;
        continue;
      }
      out += source.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      continue;
    }
    if (source.startsWith('(?<', i) && source[i + 3] !== '=' && source[i + 3] !== '!') {
      const end = source.indexOf('>', i + 3);
      if (end < 0) return { ok: false, error: `unclosed group name at column ${i + 1}` };
      const spec = source.slice(i + 3, end);
      const colon = spec.indexOf(':');
      const field = colon < 0 ? spec : spec.slice(0, colon);
      const type = colon < 0 ? null : spec.slice(colon + 1);
      if (!FIELD_PATH.test(field)) return { ok: false, error: `group name "${field}" is not a field name (letters, digits, _ and dots, e.g. src_ip or http.request.method)` };
      if (type !== null && !(CAPTURE_TYPES as readonly string[]).includes(type)) return { ok: false, error: `group "${field}": type "${type}" is not one of ${CAPTURE_TYPES.join(', ')}` };
      const group = `g${captures.length}`;
      captures.push({ group, field, type: type as CaptureType | null });
      byField.set(field, group);
      out += `(?<${group}>`;
      i = end + 1;
      continue;
    }
    out += c;
    i++;
  }
  return { ok: true, source: out, captures };
}
