import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CompiledRule } from '../../src/core/rules/types.js';
import { loadRules, readRuleFiles, type RulesReload, watchRules } from '../../src/rules/rule-files.js';
import { tempDir } from '../helpers/temp.js';

const base = { sigmaFieldMap: {}, defaultSuppressMs: 600_000 };

function write(dir: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

const NC = `id: nc
name: Netcat
kind: match
severity: LOW
match: { process: { list: tools } }
`;

describe('readRuleFiles', () => {
  test('a missing folder and a file instead of a folder are reported', async () => {
    const dir = tempDir();
    expect((await readRuleFiles(path.join(dir, 'nope'))).errors).toEqual([
      { file: path.join(dir, 'nope'), message: 'the rules folder does not exist (set detection.rules_dir in the config, or create it)' },
    ]);
    write(dir, 'f.yaml', '');
    expect((await readRuleFiles(path.join(dir, 'f.yaml'))).errors[0]!.message).toBe('not a folder: detection.rules_dir must name a folder of *.yaml files');
  });

  test('yaml and yml files, several documents each, sub-folders, lists; hidden files and others skipped', async () => {
    const dir = tempDir();
    write(dir, 'a.yaml', `${NC}---\nid: two\n---\n`);
    write(dir, 'sub/b.yml', '- id: three\n- id: four\n');
    write(dir, '.hidden.yaml', 'id: hidden\n');
    write(dir, 'a.yaml~', 'id: backup\n');
    write(dir, 'notes.md', '# not a rule');
    write(dir, 'lists/tools.txt', '# tools\nNC\nncat # netcat\n');
    write(dir, 'lists/more/x.list', 'a\n');
    write(dir, 'lists/readme.md', 'ignored');
    const set = await readRuleFiles(dir);
    expect(set.errors).toEqual([]);
    expect(set.files).toEqual([path.join(dir, 'a.yaml'), path.join(dir, 'sub/b.yml')]);
    expect(set.docs.map((d) => [path.relative(dir, d.file), d.index, d.doc === null ? null : 'doc'])).toEqual([
      ['a.yaml', 0, 'doc'],
      ['a.yaml', 1, 'doc'],
      ['a.yaml', 2, null],
      ['sub/b.yml', 0, 'doc'],
    ]);
    expect(set.lists).toEqual(
      new Map([
        ['more/x', ['a']],
        ['tools', ['NC', 'ncat']],
      ]),
    );
  });

  test('YAML errors name the file and the document; the other documents still load', async () => {
    const dir = tempDir();
    write(dir, 'bad.yaml', 'id: ok\n---\nid: [unclosed\n---\nid: dup\nid: again\n');
    const set = await readRuleFiles(dir);
    expect(set.docs.map((d) => d.doc)).toEqual([{ id: 'ok' }]);
    expect(set.errors.map((e) => [path.relative(dir, e.file), e.message.replace(/ at line.*/, '')])).toEqual([
      ['bad.yaml', 'document 2: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
      ['bad.yaml', 'document 3: not valid YAML: Map keys must be unique'],
    ]);
    expect(set.errors[0]!.message).toMatch(/at line \d+, column \d+/);
  });

  test('lists named by path are read relative to the folder, and must stay inside it', async () => {
    const dir = tempDir();
    write(dir, 'r.yaml', 'a: { list: intel/ips.txt }\nb: { list: lists/tools.txt }\nc: { list: ../outside.txt }\nd: { list: missing/x.txt }\n');
    write(dir, 'intel/ips.txt', '192.0.2.1\n');
    write(dir, 'lists/tools.txt', 'nc\n');
    const set = await readRuleFiles(dir);
    expect(set.lists.get('intel/ips.txt')).toEqual(['192.0.2.1']);
    expect(set.lists.get('tools')).toEqual(['nc']);
    expect(set.lists.has('lists/tools.txt')).toBe(false); // found through its name
    const file = path.join(dir, 'r.yaml');
    expect(set.errors).toEqual([
      { file, message: 'list "../outside.txt" is outside the rules folder; list files must be inside it' },
      { file, message: `list "missing/x.txt": cannot read ${path.join(dir, 'missing/x.txt')}: file not found` },
    ]);
  });
});

describe('loadRules', () => {
  test('reads and compiles; file and rule problems are listed together', async () => {
    const dir = tempDir();
    write(dir, 'good.yaml', NC);
    write(dir, 'bad.yaml', 'id: bad\nname: Bad\nkind: match\nseverity: LOW\nmatch: { process: { list: nope } }\n---\n: :\n');
    write(dir, 'lists/tools.txt', 'nc\n');
    const r = await loadRules(dir, base);
    expect(r.rules.map((x) => x.meta.id)).toEqual(['nc']);
    expect(r.errors.map((e) => [path.relative(dir, e.file), e.rule, e.message.split(':')[0]])).toEqual([
      ['bad.yaml', undefined, 'document 2'],
      ['bad.yaml', 'bad', 'match.process.list'],
    ]);
  });

  test('the shipped default rule set loads without errors', async () => {
    const r = await loadRules('config/rules', base);
    expect(r.errors).toEqual([]);
    expect(r.rules.length).toBeGreaterThanOrEqual(10);
  });
});

describe('watchRules', () => {
  /** Waits for the next reload report. */
  function nextReload(queue: RulesReload[], wake: { fn: (() => void) | null }): Promise<RulesReload> {
    return new Promise((resolve) => {
      const check = (): void => {
        const r = queue.shift();
        if (r !== undefined) resolve(r);
        else wake.fn = check;
      };
      check();
    });
  }

  test('reloads after edits settle; a bad edit keeps the last good set and says why', async () => {
    const dir = tempDir();
    write(dir, 'r.yaml', NC);
    write(dir, 'lists/tools.txt', 'nc\n');
    const initial = (await loadRules(dir, base)).rules;
    const queue: RulesReload[] = [];
    const wake: { fn: (() => void) | null } = { fn: null };
    const w = watchRules(dir, base, initial, (r) => {
      queue.push(r);
      const f = wake.fn;
      wake.fn = null;
      f?.();
    }, { debounceMs: 50 });
    try {
      // A good edit (written as editors do: a temp file renamed over the old one).
      write(dir, 'r.yaml.tmp', NC.replace('severity: LOW', 'severity: HIGH'));
      renameSync(path.join(dir, 'r.yaml.tmp'), path.join(dir, 'r.yaml'));
      const ok = await nextReload(queue, wake);
      expect(ok.ok).toBe(true);
      const rules = (ok as { rules: CompiledRule[] }).rules;
      expect(rules.map((x) => [x.meta.id, x.meta.severity])).toEqual([['nc', 'HIGH']]);
      expect(w.current()).toBe(rules);

      // A bad edit: refused as a whole.
      write(dir, 'r.yaml', NC.replace('severity: LOW', 'severity: SEVERE'));
      const bad = await nextReload(queue, wake);
      expect(bad).toEqual({ ok: false, kept: 1, errors: [{ file: path.join(dir, 'r.yaml'), rule: 'nc', message: 'severity: "SEVERE" is not a severity: use LOW, MEDIUM, HIGH or CRITICAL' }] });
      expect(w.current()).toBe(rules);

      // A list change reloads too.
      write(dir, 'lists/tools.txt', 'nc\nncat\n');
      write(dir, 'r.yaml', NC);
      const again = await nextReload(queue, wake);
      expect(again.ok).toBe(true);
    } finally {
      w.close();
    }
  });
});
