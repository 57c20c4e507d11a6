/**
 * List files: one entry per line (process names, hashes, addresses, CIDR ranges). Blank lines
 * and lines starting with `#` are ignored, as is a ` #` comment after an entry; entries are
 * trimmed, a byte-order mark is dropped, duplicates are kept once.
 */
export function parseListText(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const rawLine of body.split(/\r\n|\n|\r/)) {
    let line = rawLine;
    const hash = line.search(/(^|\s)#/);
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '' || seen.has(line)) continue;
    seen.add(line);
    out.push(line);
  }
  return out;
}

/** `lists/bad-ips.txt` → `bad-ips`: the name a rule uses for a file in the lists folder. */
export function listNameOf(relativeToListsDir: string): string {
  return relativeToListsDir.replace(/\\/g, '/').replace(/\.(txt|list)$/i, '');
}

export const LIST_EXTENSIONS = ['.txt', '.list'] as const;
