// The rule set as `logagg rules` loads it: every problem collected (start-up's strict view,
// loadInitialRules, is exercised through detection in detection.test.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { allRules, loadRuleSet, requireValid } from '../../src/app/detection-rules.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp.js';

const detection = (over: Record<string, unknown> = {}) => loadConfig({ defaultsFile: null, env: {}, overrides: over }).detection;

describe('loadRuleSet', () => {
  test('collects every problem: unparsable files, bad rules, bad config thresholds; good rules still load', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'a.yaml'), 'id: ok-rule\nname: ok\nkind: match\nseverity: LOW\nmatch: { process: nc }\n');
    writeFileSync(path.join(dir, 'sub', 'b.yaml'), 'id: bad\nname: bad\nkind: match\nseverity: HUGE\nmatch: { process: x }\n---\nid: worse\nname: w\nkind: threshold\nseverity: LOW\nfield: cpu_pct\nop: ">"\nvalue: 50MB/s\n');
    writeFileSync(path.join(dir, 'c.yml'), 'id: [unclosed\n');
    const set = await loadRuleSet(detection({ 'detection.builtin_thresholds': { cpu_pct: 90, net_out: '50 parsecs' } }), dir);
    expect(set.folder.map((r) => r.meta.id)).toEqual(['ok-rule']);
    expect(set.builtins).toEqual([]);
    expect(set.files.map((f) => path.relative(dir, f))).toEqual(['a.yaml', 'c.yml', 'sub/b.yaml']);
    const problems = set.problems.map((p) => [p.file.startsWith(dir) ? path.relative(dir, p.file) : p.file, p.rule ?? null]);
    expect(problems).toEqual([
      ['config (detection.builtin_thresholds)', null],
      ['c.yml', null],
      ['sub/b.yaml', 'bad'],
      ['sub/b.yaml', 'worse'],
    ]);
    expect(set.problems[1]!.message).toMatch(/^document 1: not valid YAML/);
    expect(set.problems[2]!.message).toMatch(/severity/);
    expect(() => requireValid(set)).toThrow(ConfigError);
  });

  test('a rule file reusing a built-in id is a problem, and the rule is left out', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'b.yaml'), 'id: builtin.cpu_pct\nname: clash\nkind: match\nseverity: LOW\nmatch: { process: x }\n');
    const set = await loadRuleSet(detection({ 'detection.builtin_thresholds': { cpu_pct: 90 } }), dir);
    expect(allRules(set).map((r) => r.meta.id)).toEqual(['builtin.cpu_pct']);
    expect(set.problems).toEqual([{ file: path.join(dir, 'b.yaml'), rule: 'builtin.cpu_pct', message: 'the id is taken by a built-in rule of detection:; rename it' }]);
  });

  test('a folder that does not exist says which config key names it', async () => {
    const set = await loadRuleSet(detection(), path.join(tempDir(), 'nope'));
    expect(set.problems.map((p) => p.message)).toEqual(['the rules folder does not exist (set detection.rules_dir in the config, or create it)']);
  });
});
