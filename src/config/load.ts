import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { getEmbeddedDir } from '../runtime/embedded.js';

/**
 * Configuration is read once at start, in layers, and validated into one frozen object:
 *   1. config/default.yaml (shipped; equal to the schema's defaults),
 *   2. the file named by --config (or LOGAGG_CONFIG),
 *   3. LOGAGG_* environment variables, one per key: kafka.group_id -> LOGAGG_KAFKA_GROUP_ID.
 * The process environment itself is read in environment.ts, beside this module, and nowhere
 * below config.
 */

/** Environment variables that are not config keys but are read by the CLI itself (environment.ts: CliEnv). */
export const RESERVED_ENV = new Set(['LOGAGG_CONFIG', 'LOGAGG_TOKEN', 'LOGAGG_URL', 'LOGAGG_JWT_SECRET']);

export interface LoadConfigOptions {
  /** A user config file (YAML). */
  file?: string | undefined;
  /** Environment to read LOGAGG_* overrides from. */
  env?: Record<string, string | undefined>;
  /** The shipped defaults file; null to skip it. Default: <package>/config/default.yaml when present. */
  defaultsFile?: string | null;
  /** Last layer, for the CLI's own flags and for tests (dotted keys allowed: {'storage.path': 'x'}). */
  overrides?: Record<string, unknown>;
}

export type FrozenConfig = DeepReadonly<Config>;
const DEFAULT_RULES_DIR = 'config/rules';
type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

export function defaultConfigPath(): string | null {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    // src/config or lib/config -> package root
    const candidate = join(here, '..', '..', 'config', 'default.yaml');
    return existsSync(candidate) ? candidate : null;
  } catch {
    return null; // bundled (single executable): the schema's defaults apply
  }
}

export function loadConfig(opts: LoadConfigOptions = {}): FrozenConfig {
  let merged: Record<string, unknown> = {};
  const defaultsFile = opts.defaultsFile === undefined ? defaultConfigPath() : opts.defaultsFile;
  if (defaultsFile) merged = deepMerge(merged, readYamlFile(defaultsFile, 'defaults'));
  if (opts.file) merged = deepMerge(merged, readYamlFile(opts.file, '--config'));
  if (opts.env) merged = deepMerge(merged, envLayer(opts.env));
  if (opts.overrides) {
    for (const [key, value] of Object.entries(opts.overrides)) {
      if (value !== undefined) merged = deepMerge(merged, nest(key.split('.'), value));
    }
  }
  return validateConfig(merged);
}

export function validateConfig(input: unknown): FrozenConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(result.error.issues.flatMap((i) => describeIssue(i, input)));
  const cfg = result.data;
  // The single executable carries the default rule set: run from a directory without
  // config/rules, the default rules_dir means the shipped rules.
  if (cfg.detection.rules_dir === DEFAULT_RULES_DIR && !existsSync(DEFAULT_RULES_DIR)) {
    cfg.detection.rules_dir = getEmbeddedDir('rules') ?? DEFAULT_RULES_DIR;
  }
  return deepFreeze(cfg) as FrozenConfig;
}

function readYamlFile(file: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ key: what, message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check the path` }]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new ConfigError([{ key: file, message: `not valid YAML${where}: ${(e as Error).message.split('\n')[0]}` }]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError([{ key: file, message: 'the top level must be a mapping of keys (kafka:, storage:, …)' }]);
  return doc as Record<string, unknown>;
}

/** Every leaf key of the config as a dotted path with its default value (the env-variable universe). */
export function configLeaves(): Map<string, unknown> {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const out = new Map<string, unknown>();
  const walk = (obj: Record<string, unknown>, prefix: string[]): void => {
    for (const [k, v] of Object.entries(obj)) {
      const path = [...prefix, k];
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) walk(v as Record<string, unknown>, path);
      else out.set(path.join('.'), v);
    }
  };
  walk(defaults, []);
  return out;
}

export function envName(dotted: string): string {
  return 'LOGAGG_' + dotted.replace(/[.-]/g, '_').toUpperCase();
}

function envLayer(env: Record<string, string | undefined>): Record<string, unknown> {
  const byEnv = new Map<string, { path: string; sample: unknown }>();
  for (const [path, sample] of configLeaves()) byEnv.set(envName(path), { path, sample });
  let layer: Record<string, unknown> = {};
  const problems: { key: string; message: string }[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('LOGAGG_') || raw === undefined || RESERVED_ENV.has(name)) continue;
    const target = byEnv.get(name);
    if (!target) {
      const near = closest(name, [...byEnv.keys()]);
      problems.push({ key: name, message: `not a logagg setting${near ? `; did you mean ${near}?` : ''}` });
      continue;
    }
    layer = deepMerge(layer, nest(target.path.split('.'), parseEnvValue(raw, target.sample)));
  }
  if (problems.length) throw new ConfigError(problems);
  return layer;
}

function parseEnvValue(raw: string, sample: unknown): unknown {
  const trimmed = raw.trim();
  if (Array.isArray(sample) && !trimmed.startsWith('[')) {
    return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
  }
  if (typeof sample === 'string' || (sample === null && !/^[[{]/.test(trimmed))) {
    return trimmed === '' && sample === null ? null : raw;
  }
  try {
    return parseYaml(trimmed);
  } catch {
    return raw; // validation reports the type problem with the key's name
  }
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): { key: string; message: string }[] {
  const key = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const siblings = knownKeysAt(issue.path);
    return issue.keys.map((k) => {
      const near = closest(k, siblings);
      const full = [...issue.path.map(String), k].join('.');
      return { key: full, message: `unknown key${near ? `; did you mean "${near}"?` : `; allowed here: ${siblings.join(', ')}`}` };
    });
  }
  if (issue.code === 'invalid_type') {
    const got = valueAt(input, issue.path);
    return [{ key, message: `expected ${issue.expected}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}` }];
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return [{ key, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(valueAt(input, issue.path))}` }];
  }
  return [{ key, message: issue.message }];
}

function knownKeysAt(path: PropertyKey[]): string[] {
  let node: unknown = configSchema.parse({});
  for (const p of path) {
    if (node && typeof node === 'object') node = (node as Record<string, unknown>)[String(p)];
  }
  return node && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node) : [];
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let node = input;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(p)];
  }
  return node;
}

/** Nearest candidate by edit distance, if close enough to be a plausible typo. */
function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  let out: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i] as string]: out };
  return out as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Objects merge key by key; arrays and scalars from the later layer replace. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export type { Config };
