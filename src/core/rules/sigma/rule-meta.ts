import type { Severity } from '../../event.js';
import { refuse } from './sigma-error.js';

/**
 * The descriptive part of a Sigma rule or correlation rule, checked. Custom top-level attributes
 * are allowed by the specification and ignored; the ones below are read and type-checked.
 */
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

export interface SigmaLogsource {
  category?: string;
  product?: string;
  service?: string;
  definition?: string;
}

/** Everything logagg keeps of a Sigma document besides its logic, for listings and alerts. */
export interface SigmaRuleInfo {
  title: string;
  /** The Sigma `id` (usually a UUID), or null. */
  id: string | null;
  /** The Sigma `name` (referenced by correlation rules), or null. */
  name: string | null;
  status: string | null;
  level: SigmaLevel | null;
  description: string;
  author: string | null;
  date: string | null;
  modified: string | null;
  references: string[];
  tags: string[];
  falsepositives: string[];
  fields: string[];
  related: { id: string; type: string }[];
  logsource: SigmaLogsource;
}

export function readInfo(doc: Record<string, unknown>): SigmaRuleInfo {
  const title = doc['title'];
  if (typeof title !== 'string' || title.trim() === '') refuse('"title" is required and must be a non-empty string', 'title');
  const level = optString(doc, 'level');
  if (level !== null && !(SIGMA_LEVELS as readonly string[]).includes(level)) {
    refuse(`"level" must be one of ${SIGMA_LEVELS.join(', ')}, not "${level}"`, 'level');
  }
  const related = doc['related'] ?? [];
  if (!Array.isArray(related) || !related.every((r) => isMap(r) && typeof r['id'] === 'string' && typeof r['type'] === 'string')) {
    refuse('"related" must be a list of {id, type}', 'related');
  }
  const logsource = doc['logsource'] ?? {};
  if (!isMap(logsource) || !Object.values(logsource).every((v) => typeof v === 'string')) {
    refuse('"logsource" must be a map of strings (category, product, service, definition)', 'logsource');
  }
  return {
    title: title.trim(),
    id: optString(doc, 'id'),
    name: optString(doc, 'name'),
    status: optString(doc, 'status'),
    level: level as SigmaLevel | null,
    description: optString(doc, 'description') ?? '',
    author: optString(doc, 'author'),
    date: optDate(doc, 'date'),
    modified: optDate(doc, 'modified'),
    references: stringList(doc, 'references'),
    tags: stringList(doc, 'tags'),
    falsepositives: stringList(doc, 'falsepositives'),
    fields: stringList(doc, 'fields'),
    related: (related as { id: string; type: string }[]).map((r) => ({ id: r.id, type: r.type })),
    logsource: logsource as SigmaLogsource,
  };
}

/** `sigma-` + the Sigma id, or + a slug of the title when the rule has no id. */
export function ruleIdOf(info: SigmaRuleInfo): string {
  if (info.id) return 'sigma-' + info.id.trim().toLowerCase();
  const slug = info.title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents, split off by NFKD
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return 'sigma-' + (slug || 'untitled');
}

/** `"Title" (id)` for messages. */
export function labelOf(info: Pick<SigmaRuleInfo, 'title' | 'id'>): string {
  return `"${info.title}"${info.id ? ` (${info.id})` : ''}`;
}

/**
 * Sigma level → logagg severity. `informational` rules are meant for enrichment, not alerts:
 * by default they load disabled (`skip`); `LOW` makes them alert at LOW. A rule without a level
 * alerts at MEDIUM.
 */
export function severityOf(level: SigmaLevel | null, informational: 'skip' | 'LOW'): { severity: Severity; enabled: boolean } {
  switch (level) {
    case 'informational':
      return { severity: 'LOW', enabled: informational === 'LOW' };
    case 'low':
      return { severity: 'LOW', enabled: true };
    case 'high':
      return { severity: 'HIGH', enabled: true };
    case 'critical':
      return { severity: 'CRITICAL', enabled: true };
    default:
      return { severity: 'MEDIUM', enabled: true };
  }
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(doc: Record<string, unknown>, key: string): string | null {
  const v = doc[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') refuse(`"${key}" must be a string`, key);
  return v;
}

/** YAML reads an unquoted 2024-01-31 as a Date; keep it as the ISO date text. */
function optDate(doc: Record<string, unknown>, key: string): string | null {
  const v = doc[key];
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  return optString(doc, key);
}

function stringList(doc: Record<string, unknown>, key: string): string[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) refuse(`"${key}" must be a list of strings`, key);
  return v as string[];
}
