import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RuleDoc, RuleError } from '../core/rules/compile.js';
import { compileRules } from '../core/rules/compile.js';
import type { RuleCompileContext } from '../core/rules/context.js';
import { LIST_EXTENSIONS, listNameOf, parseListText } from '../core/rules/list-file.js';
import type { CompiledRule } from '../core/rules/types.js';

/**
 * The rules folder on disk: every `*.yaml` / `*.yml` file under it (sub-folders included,
 * hidden files and editor back-ups skipped), each holding one or more YAML documents, and the
 * list files rules use: every `*.txt` / `*.list` under `lists/` (named by their path there
 * without the extension: `lists/bad-ips.txt` is `bad-ips`), plus any other file a rule names by
 * its path (`list: intel/ips.txt`), relative to the rules folder and inside it.
 * This is the only I/O of detection; compiling is pure (src/core/rules/compile.ts).
 */
export interface RuleFileSet {
  dir: string;
  /** Rule files read, as paths joined to `dir`. */
  files: string[];
  docs: RuleDoc[];
  lists: Map<string, string[]>;
  /** Files that could not be read or parsed. */
  errors: RuleError[];
}

/** Compile settings besides the lists, which come from the folder. */
export type RuleContextBase = Omit<RuleCompileContext, 'lists'>;

export interface LoadedRules {
  rules: CompiledRule[];
  errors: RuleError[];
  files: string[];
}

const RULE_EXTENSIONS = ['.yaml', '.yml'];

export async function readRuleFiles(dir: string): Promise<RuleFileSet> {
  const set: RuleFileSet = { dir, files: [], docs: [], lists: new Map(), errors: [] };
  let st;
  try {
    st = await stat(dir);
  } catch {
    set.errors.push({ file: dir, message: 'the rules folder does not exist (set detection.rules_dir in the config, or create it)' });
    return set;
  }
  if (!st.isDirectory()) {
    set.errors.push({ file: dir, message: 'not a folder: detection.rules_dir must name a folder of *.yaml files' });
    return set;
  }
  const all = await walk(dir);
  const listsPrefix = 'lists/';
  for (const rel of all) {
    const ext = path.extname(rel).toLowerCase();
    const file = path.join(dir, rel);
    if (rel.startsWith(listsPrefix)) {
      if ((LIST_EXTENSIONS as readonly string[]).includes(ext)) {
        const text = await readText(file, set.errors);
        if (text !== null) set.lists.set(listNameOf(rel.slice(listsPrefix.length)), parseListText(text));
      }
      continue;
    }
    if (!RULE_EXTENSIONS.includes(ext)) continue;
    const text = await readText(file, set.errors);
    if (text === null) continue;
    set.files.push(file);
    parseAllDocuments(text).forEach((d, index) => {
      const problem = d.errors[0];
      if (problem !== undefined) {
        set.errors.push({ file, message: `document ${index + 1}: not valid YAML: ${firstLine(problem.message)}` });
        return;
      }
      set.docs.push({ file, index, doc: d.toJS({ maxAliasCount: 100 }) });
    });
  }
  await readReferencedLists(set);
  return set;
}

/** Reads and compiles the folder; `errors` lists every file and rule problem. */
export async function loadRules(dir: string, base: RuleContextBase): Promise<LoadedRules> {
  const set = await readRuleFiles(dir);
  const { rules, errors } = compileRules(set.docs, { ...base, lists: set.lists });
  return { rules, errors: [...set.errors, ...errors], files: set.files };
}

export type RulesReload = { ok: true; rules: CompiledRule[]; files: string[] } | { ok: false; errors: RuleError[]; kept: number };

export interface RuleWatcher {
  /** The last good rule set (the initial one until a reload succeeds). */
  current(): CompiledRule[];
  close(): void;
}

/**
 * Watches the rules folder and reloads after changes settle (`debounceMs`, default 300). A
 * reload with any problem is refused as a whole: the last good set stays in force and
 * `onChange` hears why. `initial` is the set in force when watching starts.
 */
export function watchRules(dir: string, base: RuleContextBase, initial: CompiledRule[], onChange: (r: RulesReload) => void, opts: { debounceMs?: number } = {}): RuleWatcher {
  const debounceMs = opts.debounceMs ?? 300;
  let current = initial;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let again = false;
  let closed = false;

  const reload = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const r = await loadRules(dir, base);
        if (closed) return;
        if (r.errors.length > 0) onChange({ ok: false, errors: r.errors, kept: current.length });
        else {
          current = r.rules;
          onChange({ ok: true, rules: r.rules, files: r.files });
        }
      } while (again && !closed);
    } catch (e) {
      if (!closed) onChange({ ok: false, errors: [{ file: dir, message: `could not reload: ${(e as Error).message}` }], kept: current.length });
    } finally {
      running = false;
    }
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void reload();
    }, debounceMs);
  };

  const tree = new DirWatchers(dir, schedule, (e) => onChange({ ok: false, errors: [{ file: dir, message: `cannot watch the rules folder: ${e.message}` }], kept: current.length }));
  tree.sync();

  return {
    current: () => current,
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      tree.close();
    },
  };
}

/**
 * One non-recursive fs.watch per folder of the tree, set up synchronously so that no change
 * made right after watchRules returns is missed (Node 20's recursive mode on Linux sets its
 * watchers up asynchronously). `sync` adds watchers for new folders and drops removed ones.
 */
class DirWatchers {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(
    private readonly root: string,
    private readonly onEvent: () => void,
    private readonly onError: (e: Error) => void,
  ) {}

  sync(): void {
    const seen = new Set<string>();
    const visit = (d: string): void => {
      seen.add(d);
      if (!this.watchers.has(d)) {
        try {
          const w = watch(d, { persistent: false }, () => {
            this.sync();
            this.onEvent();
          });
          w.on('error', () => this.drop(d));
          this.watchers.set(d, w);
        } catch (e) {
          if (d === this.root) this.onError(e as Error);
          return;
        }
      }
      let entries;
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) visit(path.join(d, e.name));
    };
    visit(this.root);
    for (const d of [...this.watchers.keys()]) if (!seen.has(d)) this.drop(d);
  }

  private drop(d: string): void {
    this.watchers.get(d)?.close();
    this.watchers.delete(d);
  }

  close(): void {
    for (const d of [...this.watchers.keys()]) this.drop(d);
  }
}

/** Paths relative to root, with `/` separators, sorted; hidden entries and back-ups skipped. */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name.endsWith('~')) continue;
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await visit(child);
      else if (e.isFile() || e.isSymbolicLink()) out.push(child);
    }
  };
  await visit('');
  return out.sort();
}

/** Lists named by path (`list: intel/ips.txt`) rather than by name, read relative to the folder. */
async function readReferencedLists(set: RuleFileSet): Promise<void> {
  const root = path.resolve(set.dir);
  for (const { file, doc } of set.docs) {
    for (const ref of listReferences(doc)) {
      if (set.lists.has(ref) || set.lists.has(listNameOf(ref.replace(/^lists\//, '')))) continue;
      if (!ref.includes('/') && !/\.(txt|list)$/i.test(ref)) continue; // a name: the compiler reports it if unknown
      const abs = path.resolve(root, ref);
      if (abs !== root && !abs.startsWith(root + path.sep)) {
        set.errors.push({ file, message: `list "${ref}" is outside the rules folder; list files must be inside it` });
        continue;
      }
      const text = await readText(abs, set.errors, file, ref);
      if (text !== null) set.lists.set(ref, parseListText(text));
    }
  }
}

/** Every string value of a `list:` key anywhere in a document. */
function listReferences(doc: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(doc)) for (const d of doc) listReferences(d, out);
  else if (typeof doc === 'object' && doc !== null) {
    for (const [k, v] of Object.entries(doc)) {
      if (k === 'list' && typeof v === 'string') out.add(v);
      else listReferences(v, out);
    }
  }
  return out;
}

async function readText(file: string, errors: RuleError[], reportAs?: string, ref?: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    errors.push(ref === undefined ? { file, message: `cannot read: ${why}` } : { file: reportAs ?? file, message: `list "${ref}": cannot read ${file}: ${why}` });
    return null;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
