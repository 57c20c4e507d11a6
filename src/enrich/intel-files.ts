import { readFileSync } from 'node:fs';
import { LogaggError } from '../errors.js';

/**
 * Reads one threat-intel list file: one indicator per line, trimmed; blank lines and `#`
 * comments (whole lines, or after whitespace at the end of a line) are skipped. Throws
 * CONFIG_INVALID naming the file when it cannot be read.
 */
export function loadIntelList(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new LogaggError('CONFIG_INVALID', `cannot read threat-intel list ${file}: ${reason}; check enrich.intel[].file`, {
      details: { file },
      cause: e,
    });
  }
  return parseIntelList(text);
}

/** The line rules of loadIntelList, on text already read. */
export function parseIntelList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    let l = line;
    const hash = commentStart(l);
    if (hash >= 0) l = l.slice(0, hash);
    l = l.trim();
    if (l.length > 0) out.push(l);
  }
  return out;
}

/** Index of a `#` that starts the line or follows whitespace; -1 when none. */
function commentStart(line: string): number {
  let i = line.indexOf('#');
  while (i >= 0) {
    if (i === 0 || line.charCodeAt(i - 1) === 32 || line.charCodeAt(i - 1) === 9) return i;
    i = line.indexOf('#', i + 1);
  }
  return -1;
}
