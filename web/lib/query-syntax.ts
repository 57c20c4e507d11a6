/**
 * The query box: free text for GET /logs `q` (words, "phrases", prefix*, AND OR NOT, parentheses)
 * mixed with field filters written `field:value` — host:web-* level:warning format:cef topic:x
 * tag:prod threats:true severity:HIGH attr.http.status=500. Quoted text stays text, so
 * "host:x" inside quotes is searched, not filtered. Pure: unit-tested in test/web/.
 */

const FIELDS: Record<string, string> = {
  host: 'host',
  level: 'level',
  format: 'format',
  topic: 'topic',
  tag: 'tag',
  threats: 'has_threats',
  has_threats: 'has_threats',
  severity: 'threat_severity',
  threat_severity: 'threat_severity',
  error: 'has_error',
  has_error: 'has_error',
};

export interface ParsedQuery {
  /** The full-text part, as typed. */
  q: string;
  /** API parameters (host, level, attr.x …); a repeated field becomes a list. */
  filters: [string, string][];
}

/** Splits on spaces outside double quotes; quotes kept in the tokens. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

export function parseQuery(text: string): ParsedQuery {
  const words: string[] = [];
  const filters: [string, string][] = [];
  for (const t of tokens(text)) {
    const attr = /^(attr\.[A-Za-z0-9_.-]+)[=:](.+)$/.exec(t);
    const field = /^([a-z_]+):(.+)$/.exec(t);
    if (attr) filters.push([attr[1]!, unquote(attr[2]!)]);
    else if (field && FIELDS[field[1]!]) filters.push([FIELDS[field[1]!]!, unquote(field[2]!)]);
    else words.push(t);
  }
  return { q: words.join(' '), filters };
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** GET /logs parameters for a query box text (the full text as `q`). */
export function queryParams(text: string): URLSearchParams {
  const { q, filters } = parseQuery(text);
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  for (const [k, v] of filters) p.append(k, v);
  return p;
}
