/**
 * The rules and their published positive samples `npm run sigma:regression` runs, read from
 * either layout:
 *  - a clone of SigmaHQ/sigma: every `regression_data/**\/<rule-id>.json` sample, its rule found
 *    by `id` under the `rules*` folders (rules, rules-emerging-threats, rules-threat-hunting …);
 *  - a folder like test/fixtures/sigma/sigmahq-regression: `NAME/rule.yml` with `NAME/sample.json`
 *    (evtx-JSON) or `NAME/sample.xml` (a Sysmon for Linux record as its syslog line).
 * A JSON sample is one record, an array of records, or one record per line. Not part of the appliance.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { SigmaDocInput } from '../core/rules/sigma/collection.js';
import type { SampleShape } from './sigma-sample-shapes.js';

export interface RegressionCase {
  /** The rule's folder name (fixture layout) or file name without `.yml` (SigmaHQ layout). */
  name: string;
  ruleFile: string;
  docs: SigmaDocInput[];
  /** The shape the sample was published in. */
  published: Extract<SampleShape, 'evtx-JSON' | 'syslog'>;
  /** Records: parsed JSON objects, or syslog lines. */
  records: unknown[];
  sampleFile: string;
}

export function loadCases(dir: string): RegressionCase[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a folder`);
  return existsSync(join(dir, 'regression_data')) ? sigmaHqCases(dir) : fixtureCases(dir);
}

function fixtureCases(dir: string): RegressionCase[] {
  const out: RegressionCase[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true }).filter((x) => x.isDirectory()).map((x) => x.name).sort()) {
    const ruleFile = join(dir, d, 'rule.yml');
    if (!existsSync(ruleFile)) continue;
    const json = join(dir, d, 'sample.json');
    const xml = join(dir, d, 'sample.xml');
    if (existsSync(json)) out.push({ name: d, ruleFile, docs: docsOf(ruleFile, d), published: 'evtx-JSON', records: jsonRecords(json), sampleFile: json });
    else if (existsSync(xml)) out.push({ name: d, ruleFile, docs: docsOf(ruleFile, d), published: 'syslog', records: syslogRecords(xml), sampleFile: xml });
  }
  return out;
}

function sigmaHqCases(dir: string): RegressionCase[] {
  const byId = new Map<string, string>();
  for (const top of readdirSync(dir).filter((n) => n.startsWith('rules')).sort()) {
    for (const file of walk(join(dir, top), (n) => n.endsWith('.yml') || n.endsWith('.yaml'))) {
      const m = /^id:\s*['"]?([0-9a-fA-F-]{36})/m.exec(readFileSync(file, 'utf8'));
      if (m && !byId.has(m[1]!.toLowerCase())) byId.set(m[1]!.toLowerCase(), file);
    }
  }
  const out: RegressionCase[] = [];
  for (const sample of walk(join(dir, 'regression_data'), (n) => /^[0-9a-fA-F-]{36}\.json$/.test(n))) {
    const ruleFile = byId.get(basename(sample, '.json').toLowerCase());
    if (ruleFile === undefined) continue;
    const name = basename(ruleFile).replace(/\.ya?ml$/, '');
    out.push({ name, ruleFile, docs: docsOf(ruleFile, relative(dir, ruleFile)), published: 'evtx-JSON', records: jsonRecords(sample), sampleFile: sample });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.sampleFile.localeCompare(b.sampleFile));
}

function docsOf(file: string, label: string): SigmaDocInput[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d, index) => ({ file: label, index, doc: d.toJS() as unknown }));
}

function jsonRecords(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v : [v];
  } catch {
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  }
}

/** Sysmon for Linux's records as the syslog lines it writes: one a line. */
function syslogRecords(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

function* walk(dir: string, want: (name: string) => boolean): Generator<string> {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p, want);
    else if (e.isFile() && want(e.name)) yield p;
  }
}

