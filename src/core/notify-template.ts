/**
 * The webhook body template: JSON text with `{{field}}` placeholders over a message's fields
 * (messageView). Safe by construction: no code, no loops, no helpers, only lookups; and every
 * value is JSON-escaped. A placeholder inside a JSON string becomes the value's text escaped for
 * that string (`"{{alert.title}}"`; null becomes empty, objects their JSON text); outside a string
 * it becomes a JSON value (`{{alert.count}}` → 3, `{{alert.host}}` → "web-1" or null). So a
 * template that is valid JSON with its placeholders renders valid JSON whatever the values are.
 * Pure; in core because the config checks templates when it loads (src/config/sections/notify.ts)
 * and the webhook channel (src/notify/channels/webhook.ts) renders them.
 */

/** `{{ name }}` or `{{name.sub}}`: lower-case names, digits and underscores, dot-separated. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;
/** Template text bound, characters: a body template is a few lines. */
export const MAX_TEMPLATE_LENGTH = 16_384;

type Segment = { text: string } | { path: string[]; inString: boolean };

export interface CompiledTemplate {
  /** The field names used, as written (`alert.title`). */
  readonly fields: readonly string[];
  render(view: Record<string, unknown>): string;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/**
 * Parses a template. `known` is a sample view: every placeholder must name a field in it.
 * Throws TemplateError naming the problem (unknown field, stray `{{`, unterminated string).
 */
export function compileTemplate(text: string, known: Record<string, unknown>): CompiledTemplate {
  if (text.length > MAX_TEMPLATE_LENGTH) throw new TemplateError(`longer than ${MAX_TEMPLATE_LENGTH} characters`);
  const segments: Segment[] = [];
  const fields: string[] = [];
  let inString = false;
  let last = 0;
  const literal = (s: string): void => {
    if (s.includes('{{')) throw new TemplateError(`"{{" at "${s.slice(s.indexOf('{{'), s.indexOf('{{') + 24)}" does not start a placeholder; write {{field.name}}`);
    inString = scanQuotes(s, inString);
    if (s !== '') segments.push({ text: s });
  };
  for (const m of text.matchAll(PLACEHOLDER)) {
    literal(text.slice(last, m.index));
    const name = m[1]!;
    const path = name.split('.');
    if (lookup(known, path) === undefined) {
      throw new TemplateError(`unknown field {{${name}}}; fields: ${fieldNames(known).join(', ')}`);
    }
    fields.push(name);
    segments.push({ path, inString });
    last = m.index + m[0].length;
  }
  literal(text.slice(last));
  if (inString) throw new TemplateError('a JSON string is not closed (unbalanced ")');
  return {
    fields,
    render(view) {
      let out = '';
      for (const s of segments) {
        if ('text' in s) out += s.text;
        else out += renderValue(lookup(view, s.path), s.inString);
      }
      return out;
    },
  };
}

/** The quote state after `s`, starting in or out of a JSON string; backslash escapes inside strings. */
function scanQuotes(s: string, inString: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString && c === '\\') i++;
    else if (c === '"') inString = !inString;
  }
  return inString;
}

function renderValue(v: unknown, inString: boolean): string {
  const value = v === undefined ? null : v;
  if (!inString) return JSON.stringify(value);
  if (value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // JSON.stringify escapes quotes, backslashes and control characters; drop its own quotes.
  return JSON.stringify(text).slice(1, -1);
}

function lookup(view: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = view;
  for (const p of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, p)) return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  return node;
}

/** Every dotted name a template may use, for messages. */
export function fieldNames(view: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(view)) {
    const name = prefix + k;
    out.push(name);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...fieldNames(v as Record<string, unknown>, name + '.'));
  }
  return out;
}
