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
