/**
 * The Prometheus label string Loki's protobuf push carries per stream: `{job="x", host="y"}`.
 * Names are `[a-zA-Z_][a-zA-Z0-9_]*`; values are double-quoted with Go escapes (`\\`, `\"`,
 * `\n`, `\t`, `\r`, `\xHH`, `\uHHHH`…). An empty selector `{}` has no labels.
 */

export type ParsedLabels = { ok: true; labels: Record<string, string> } | { ok: false; error: string };

const NAME_START = /[a-zA-Z_]/;
const NAME_PART = /[a-zA-Z0-9_]/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', "'": "'", n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };

export function parseLabelString(s: string): ParsedLabels {
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const fail = (what: string): ParsedLabels => ({ ok: false, error: `labels: ${what} at offset ${i}` });
  ws();
  if (s[i] !== '{') return fail('expected {');
  i++;
  ws();
  if (s[i] === '}') {
    i++;
    ws();
    return i === s.length ? { ok: true, labels: { ...labels } } : fail('text after }');
  }
  for (;;) {
    ws();
    const start = i;
    if (i >= s.length || !NAME_START.test(s[i]!)) return fail('expected a label name');
    while (i < s.length && NAME_PART.test(s[i]!)) i++;
    const name = s.slice(start, i);
    ws();
    if (s[i] !== '=') return fail('expected =');
    i++;
    ws();
    if (s[i] !== '"') return fail('expected "');
    i++;
    let value = '';
    for (;;) {
      if (i >= s.length) return fail('unterminated value');
      const c = s[i]!;
      if (c === '"') {
        i++;
        break;
      }
      if (c !== '\\') {
        value += c;
        i++;
        continue;
      }
      const e = s[i + 1];
      if (e === undefined) return fail('unterminated escape');
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        value += simple;
        i += 2;
        continue;
      }
      const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const hex = s.slice(i + 2, i + 2 + width);
      if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return fail('bad escape');
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return fail('bad escape');
      value += String.fromCodePoint(cp);
      i += 2 + width;
    }
    if (Object.hasOwn(labels, name)) return fail(`label ${name} twice`);
    labels[name] = value;
    ws();
    if (s[i] === ',') {
      i++;
      ws();
      if (s[i] === '}') return fail('expected a label name');
      continue;
    }
    if (s[i] === '}') {
      i++;
      ws();
      return i === s.length ? { ok: true, labels: { ...labels } } : fail('text after }');
    }
    return fail('expected , or }');
  }
}
