import { z } from 'zod';
import { parseDuration as parseAnyDuration } from '../core/rules/units.js';

/**
 * Duration strings used in config and on the command line: `500ms`, `30s`, `5m`, `24h`, `7d`,
 * `1w`, or a bare number of milliseconds. Returns milliseconds, or null when not a duration.
 * The grammar is the rule files' (src/core/rules/units.ts), with bare numbers read as ms.
 */
export function parseDuration(text: string): number | null {
  return parseAnyDuration(text, { bare: 'ms' });
}

/**
 * A duration key of the config: a whole number of milliseconds or a duration string, to
 * milliseconds. `examples` ends the error message: `"soon" is not a duration; write e.g. …`.
 */
export function durationSchema(examples = '500ms, 30s, 5m, 24h or 7d') {
  return z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration; write e.g. ${examples}` });
      return z.NEVER;
    }
    return ms;
  });
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 2 ** 10, kib: 2 ** 10, mi: 2 ** 20, mib: 2 ** 20, gi: 2 ** 30, gib: 2 ** 30, ti: 2 ** 40, tib: 2 ** 40,
};

/**
 * Byte sizes in config: a whole number of bytes, or a number and a unit: `500MB`, `64MiB`,
 * `1.5GiB`, `2T` (k/M/G/T are powers of 1000, Ki/Mi/Gi/Ti of 1024, case-insensitive).
 * Returns bytes, or null when the text is not a size.
 */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return null;
  const unit = BYTE_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** A byte-size key of the config (see parseByteSize), to a whole number of bytes. */
export function byteSizeSchema(examples = '500MB, 64MiB, 20GiB or a number of bytes') {
  return z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const bytes = parseByteSize(v);
    if (bytes === null) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a size; write e.g. ${examples}` });
      return z.NEVER;
    }
    return bytes;
  });
}
