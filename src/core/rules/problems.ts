/**
 * Validation problems found while compiling one rule. Compilers record a problem and carry on,
 * so one pass lists every mistake in a rule, each with where it is (`match.process.in`).
 */
export class Problems {
  readonly list: string[] = [];

  add(where: string, message: string): void {
    this.list.push(where === '' ? message : `${where}: ${message}`);
  }

  get count(): number {
    return this.list.length;
  }
}

/** Joins a location and a key: `match` + `process` → `match.process`. */
export function at(where: string, key: string | number): string {
  if (typeof key === 'number') return `${where}[${key}]`;
  return where === '' ? key : `${where}.${key}`;
}

/** Records every key of `obj` not in `allowed`, suggesting the closest allowed one. */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string, problems: Problems, what = 'key'): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.add(where, `unknown ${what} "${key}"${didYouMean(key, allowed)}`);
  }
}

/**
 * ` (did you mean "for"?)` when a candidate is close (one edit for words of up to three
 * letters, two for longer ones; a swap of neighbours is one edit), else an empty string.
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  let best: string | null = null;
  let bestD = (word.length <= 3 ? 1 : 2) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best === null ? '' : ` (did you mean "${best}"?)`;
}

/** Optimal string alignment distance (Levenshtein plus swaps of neighbours). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const up = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short rendering of a value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}
