/**
 * `logagg rules import`: published Sigma rules (files, or folders of them as SigmaHQ lays them
 * out) compiled with the appliance's settings and **copied** into the rules folder, under
 * `sigma/<name of the path imported>/…` with their relative paths kept. Copied, not referenced:
 * the appliance then depends on nothing outside its rules folder (a checkout that moves or is
 * updated does not change what runs), hot reload sees the new files, and a backup of the rules
 * folder holds them. Only files whose every document compiles are copied; the others are
 * reported with the reason per rule and left out, so an import never adds a refused rule.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { FrozenConfig } from '../config/load.js';
import { compileSigmaCollection, isSigmaDoc, type SigmaDocInput } from '../core/rules/sigma/index.js';
import { coverageReport, type CoverageReport } from '../core/rules/sigma/coverage-report.js';
import { LogaggError } from '../errors.js';
import { readRuleFiles } from '../rules/rule-files.js';
import { ruleContextBase } from './detection-rules.js';

export interface ImportOptions {
  /** Folder under the rules folder the files go to (default `sigma`). */
  into?: string;
  /** Compile and report only; copy nothing. */
  dryRun?: boolean;
  /** Overwrite a file that exists with other content (default: refuse it). */
  force?: boolean;
}

export interface ImportReport {
  rules_dir: string;
  dry_run: boolean;
  /** Rule files read. */
  files: number;
  /** Rules that compiled, in files that were (or, dry run, would be) copied. */
  loaded: number;
  /** Files written (new or changed); unchanged ones are not counted. */
  copied: string[];
  unchanged: number;
  refused: { file: string; rule: string | null; reason: string }[];
  logsource_coverage: CoverageReport;
}

const RULE_EXT = new Set(['.yml', '.yaml']);

/** Each rule file under the paths, with the path it takes under the destination. */
async function collect(paths: readonly string[]): Promise<{ file: string; rel: string }[]> {
  const out: { file: string; rel: string }[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (st === null) throw new LogaggError('USAGE', `no such file or folder: ${p}`, { details: { path: p } });
    const base = path.basename(path.resolve(p));
    if (st.isFile()) {
      out.push({ file: p, rel: base });
      continue;
    }
    const walk = async (dir: string, rel: string): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full, path.join(rel, e.name));
        else if (e.isFile() && RULE_EXT.has(path.extname(e.name).toLowerCase())) out.push({ file: full, rel: path.join(rel, e.name) });
      }
    };
    await walk(p, base);
  }
  return out;
}

export async function importRules(paths: readonly string[], cfg: FrozenConfig['detection'], opts: ImportOptions = {}): Promise<ImportReport> {
  const rulesDir = cfg.rules_dir;
  const dest = path.join(rulesDir, opts.into ?? 'sigma');
  const files = await collect(paths);
  const refused: ImportReport['refused'] = [];
  const docs: SigmaDocInput[] = [];
  const texts = new Map<string, string>();
  const bad = new Set<string>();
  for (const f of files) {
    const text = await readFile(f.file, 'utf8');
    texts.set(f.file, text);
    parseAllDocuments(text).forEach((d, index) => {
      if (d.errors[0] !== undefined) {
        refused.push({ file: f.file, rule: null, reason: `document ${index + 1}: not valid YAML: ${d.errors[0].message.split('\n')[0]}` });
        bad.add(f.file);
        return;
      }
      const doc: unknown = d.toJS({ maxAliasCount: 100 });
      if (doc === null || doc === undefined) return;
      if (!isSigmaDoc(doc)) {
        refused.push({ file: f.file, rule: null, reason: `document ${index + 1}: not a Sigma rule (no detection or correlation)` });
        bad.add(f.file);
        return;
      }
      docs.push({ file: f.file, index, doc });
    });
  }
  // The rules folder's lists, as the appliance compiles with them.
  const lists = (await readRuleFiles(rulesDir)).lists;
  const compiled = compileSigmaCollection(docs, { ...ruleContextBase(cfg), lists });
  for (const e of compiled.errors) {
    refused.push({ file: e.file, rule: e.rule ?? null, reason: e.message });
    bad.add(e.file);
  }
  const good = compiled.rules.filter((r) => !bad.has(r.meta.file ?? ''));
  const copied: string[] = [];
  let unchanged = 0;
  for (const f of files) {
    if (bad.has(f.file)) continue;
    const target = path.join(dest, f.rel);
    const text = texts.get(f.file) as string;
    const existing = await readFile(target, 'utf8').catch(() => null);
    if (existing === text) {
      unchanged++;
      continue;
    }
    if (existing !== null && !opts.force) {
      refused.push({ file: f.file, rule: null, reason: `${target} exists with other content (--force overwrites it)` });
      continue;
    }
    if (!opts.dryRun) {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    copied.push(target);
  }
  const kept = new Set(files.filter((f) => !refused.some((r) => r.file === f.file)).map((f) => f.file));
  const loaded = good.filter((r) => kept.has(r.meta.file ?? ''));
  return {
    rules_dir: rulesDir,
    dry_run: opts.dryRun === true,
    files: files.length,
    loaded: loaded.length,
    copied,
    unchanged,
    refused,
    logsource_coverage: coverageReport(loaded),
  };
}
