import { FIELD_KINDS, type AliasField } from '../decode/aliases.js';
import { claim, setOwn, type DecodeContext, type Draft } from '../decode/draft.js';
import { isPlainObject, setField } from '../decode/field-mapper.js';
import type { Format } from '../event.js';
import { expandGrok, GROK_NAME } from './grok.js';
import { FIELD_PATH, renameGroups, type Capture } from './named-groups.js';
import type { CompiledExtractor, CompiledExtractors, ExtractorConfig, ExtractorProblem, ExtractorSet, ExtractorSpec } from './extractor-set.js';

export type { CompiledExtractor, CompiledExtractors, ExtractorConfig, ExtractorProblem, ExtractorSet, ExtractorSpec } from './extractor-set.js';

/**
 * Extractors an operator writes (config `extract:`): a regular expression with named groups or
 * a grok pattern, a scope, and constant fields. Compiled once at load; applied per message by
 * the dispatcher (src/core/decode/dispatch.ts) at two points:
 *
 * - Line extractors (no `programs`) try the whole line before the built-in recognizers; the
 *   first whose scope holds and whose pattern matches claims the line (`extractor:<name>`):
 *   built-in recognition is skipped, the message is the `message` capture or else the whole
 *   line, and a program it names still goes through the program decoders.
 * - Program extractors (`programs` given) try the message after the built-in program decoder
 *   has read it, when the program (the event's `process`) is one of theirs; the first that
 *   matches adds its fields over what the decoder set.
 *
 * `topics` and `formats` narrow both kinds: the message's topic (or listener name) and the
 * topic's format setting (`kafka.formats`, `auto` when it is not pinned).
 */

/** Compiles every extractor; every problem is reported, not only the first. */
export function compileExtractors(cfg: ExtractorConfig): CompiledExtractors {
  const problems: ExtractorProblem[] = [];
  for (const [name, body] of Object.entries(cfg.patterns)) {
    if (!GROK_NAME.test(name)) problems.push({ index: -1, name, key: 'patterns', message: `pattern name "${name}" must be upper-case letters, digits and _ (e.g. MYAPP_ID)` });
    else if (typeof body !== 'string' || body.length === 0) problems.push({ index: -1, name, key: 'patterns', message: `pattern ${name} is empty` });
  }
  const line: CompiledExtractor[] = [];
  const programs = new Map<string, CompiledExtractor[]>();
  const seen = new Set<string>();
  cfg.extractors.forEach((spec, index) => {
    const problem = (key: string, message: string): void => void problems.push({ index, name: spec.name, key, message });
    if (seen.has(spec.name)) problem('name', `duplicate extractor name "${spec.name}"; give each a name of its own`);
    seen.add(spec.name);
    const compiled = compileOne(spec, cfg.patterns, problem);
    if (compiled === null) return;
    if (spec.programs === undefined || spec.programs.length === 0) line.push(compiled);
    else
      for (const p of spec.programs) {
        const key = p.toLowerCase();
        const list = programs.get(key);
        if (list === undefined) programs.set(key, [compiled]);
        else list.push(compiled);
      }
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, set: { line, programs, lineByScope: new Map() } };
}

function compileOne(spec: ExtractorSpec, patterns: Readonly<Record<string, string>>, problem: (key: string, message: string) => void): CompiledExtractor | null {
  if ((spec.regex === undefined) === (spec.grok === undefined)) {
    problem('regex', 'give exactly one of regex (named groups, e.g. "from (?<src_ip>\\S+)") or grok (e.g. "from %{IP:src_ip}")');
    return null;
  }
  const fields: [string, string | number | boolean][] = [];
  for (const [path, value] of Object.entries(spec.fields ?? {})) {
    if (!FIELD_PATH.test(path)) problem('fields', `"${path}" is not a field name (letters, digits, _ and dots, e.g. event.action)`);
    else fields.push([path, value]);
  }
  let source: string;
  let key: string;
  if (spec.grok !== undefined) {
    key = 'grok';
    const g = expandGrok(spec.grok, patterns);
    if (!g.ok) {
      problem(key, g.error);
      return null;
    }
    source = g.source;
  } else {
    key = 'regex';
    source = spec.regex as string;
  }
  const renamed = renameGroups(source);
  if (!renamed.ok) {
    problem(key, renamed.error);
    return null;
  }
  let re: RegExp;
  try {
    re = new RegExp(renamed.source);
  } catch (e) {
    problem(key, `not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`);
    return null;
  }
  if (renamed.captures.length === 0 && fields.length === 0) {
    problem(key, 'captures nothing and sets no fields: name a group (%{IP:src_ip} or (?<src_ip>…)) or add fields');
    return null;
  }
  return {
    name: spec.name,
    topics: spec.topics === undefined || spec.topics.length === 0 ? null : new Set(spec.topics),
    formats: spec.formats === undefined || spec.formats.length === 0 ? null : new Set(spec.formats),
    re,
    captures: renamed.captures,
    fields,
  };
}

function inScope(x: CompiledExtractor, topic: string, format: Format | 'auto'): boolean {
  return (x.topics === null || x.topics.has(topic)) && (x.formats === null || x.formats.has(format));
}

/**
 * The line extractors for the whole line `text`; true when one claimed it (the draft then holds
 * its fields, message and parser). `format` is the topic's format setting.
 */
export function applyLineExtractors(set: ExtractorSet, text: string, draft: Draft, ctx: DecodeContext, format: Format | 'auto'): boolean {
  if (set.line.length === 0) return false;
  const topic = ctx.topic ?? '';
  const scopeKey = `${format}\u0000${topic}`;
  let list = set.lineByScope.get(scopeKey);
  if (list === undefined) {
    list = set.line.filter((x) => inScope(x, topic, format));
    set.lineByScope.set(scopeKey, list);
  }
  for (const x of list) {
    const m = x.re.exec(text);
    if (m === null) continue;
    draft.format = 'text';
    draft.message = text;
    fill(x, m, draft, ctx);
    return true;
  }
  return false;
}

/** The extractors of `draft.process` on `draft.message`; true when one matched. */
export function applyProgramExtractors(set: ExtractorSet, draft: Draft, ctx: DecodeContext, format: Format | 'auto'): boolean {
  if (set.programs.size === 0 || draft.process === null || draft.message === null) return false;
  const list = set.programs.get(draft.process.toLowerCase());
  if (list === undefined) return false;
  const topic = ctx.topic ?? '';
  for (const x of list) {
    if (!inScope(x, topic, format)) continue;
    const m = x.re.exec(draft.message);
    if (m === null) continue;
    fill(x, m, draft, ctx);
    return true;
  }
  return false;
}

function fill(x: CompiledExtractor, m: RegExpExecArray, draft: Draft, ctx: DecodeContext): void {
  const groups = m.groups;
  if (groups !== undefined) {
    for (const c of x.captures) {
      const text = groups[c.group];
      if (text === undefined || text === '') continue;
      setPath(draft, ctx, c.field, convert(text, c.type));
    }
  }
  for (const [path, value] of x.fields) setPath(draft, ctx, path, value);
  claim(draft, `extractor:${x.name}`);
}

function convert(text: string, type: Capture['type']): string | number {
  if (type === 'int') return /^[+-]?\d+$/.test(text) ? Number(text) : text;
  if (type === 'float') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  return text;
}

/**
 * A top-level event field (`src_ip`, `ts`, `message`, …) through the field mapper's checks; a
 * value that does not fit stays in attributes under the same name, as a JSON key would. A
 * dotted path sets a nested attribute.
 */
function setPath(draft: Draft, ctx: DecodeContext, path: string, value: string | number | boolean): void {
  if (!path.includes('.') && Object.prototype.hasOwnProperty.call(FIELD_KINDS, path)) {
    if (setField(path as AliasField, value, draft, ctx)) return;
    setOwn(draft.attributes, path, value);
    return;
  }
  const parts = path.split('.');
  let obj = draft.attributes;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i] as string;
    const next = Object.prototype.hasOwnProperty.call(obj, k) ? obj[k] : undefined;
    if (next === undefined) {
      const created: Record<string, unknown> = {};
      setOwn(obj, k, created);
      obj = created;
    } else if (isPlainObject(next)) {
      obj = next;
    } else {
      // A scalar already sits where an object would go: keep both, the rest of the path as one key.
      setOwn(obj, parts.slice(i).join('.'), value);
      return;
    }
  }
  setOwn(obj, parts[parts.length - 1] as string, value);
}
