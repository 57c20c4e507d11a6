/**
 * Log level names and numbers to the syslog scale (0 emergency … 7 debug).
 *
 * Words (any case): emerg/emergency/panic 0, alert 1, crit/critical/fatal 2, err/error/severe 3,
 * warn/warning 4, notice 5, info/informational/information 6, debug/trace/verbose 7, and the
 * one-letter forms F E W I D T (glog, Android).
 * Numbers (or numeric strings): 0..7 are syslog severities; 10/20/30/40/50/60 are the pino and
 * bunyan levels (trace, debug, info, warn, error, fatal). Anything else is unknown (null).
 */

const WORDS: ReadonlyMap<string, number> = new Map([
  ['emerg', 0], ['emergency', 0], ['panic', 0],
  ['alert', 1],
  ['crit', 2], ['critical', 2], ['fatal', 2],
  ['err', 3], ['error', 3], ['severe', 3],
  ['warn', 4], ['warning', 4],
  ['notice', 5],
  ['info', 6], ['informational', 6], ['information', 6],
  ['debug', 7], ['trace', 7], ['verbose', 7],
  ['f', 2], ['e', 3], ['w', 4], ['i', 6], ['d', 7], ['t', 7],
]);

const PINO: ReadonlyMap<number, number> = new Map([
  [10, 7], [20, 7], [30, 6], [40, 4], [50, 3], [60, 2],
]);

/** A level field's value (word, number or numeric string) → 0..7, or null when unknown. */
export function parseLevel(value: unknown): number | null {
  if (typeof value === 'number') return levelNumber(value);
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s.length === 0 || s.length > 13) return null;
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57) return s.length <= 2 ? levelNumber(Number(s)) : null;
  return WORDS.get(s.toLowerCase()) ?? null;
}

/**
 * A level word inside free text (`ERROR`, `[warn]`, `<INFO>`, `Error:`): only words of three
 * letters or more, so that a stray `I` or `a` in prose is not read as a level.
 */
export function parseLevelWord(word: string): number | null {
  if (word.length < 3 || word.length > 13) return null;
  return WORDS.get(word.toLowerCase()) ?? null;
}

function levelNumber(n: number): number | null {
  if (!Number.isInteger(n)) return null;
  if (n >= 0 && n <= 7) return n;
  return PINO.get(n) ?? null;
}

/**
 * A one-letter level in its column (Android logcat `V D I W E F A`, glog/klog `I W E F`, Ruby
 * Logger `D I W E F U`): only where the line's shape puts a level letter, never in prose.
 */
export function parseLevelLetter(c: number): number | null {
  switch (c) {
    case 86 /* V */:
    case 68 /* D */:
      return 7;
    case 73 /* I */:
      return 6;
    case 87 /* W */:
      return 4;
    case 69 /* E */:
      return 3;
    case 70 /* F */:
      return 2;
    case 65 /* A */:
      return 1;
    default:
      return null;
  }
}
