import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { allRules, closeIds, editDistance, findRule, loadRuleSet, requireValid } from '../../../../src/cli/commands/rules/rule-set.js';
import { loadConfig } from '../../../../src/config/load.js';
import { ConfigError, LogaggError } from '../../../../src/errors.js';
import { tempDir } from '../../../helpers/temp.js';

const detection = (over: Record<string, unknown> = {}) => loadConfig({ defaultsFile: null, env: {}, overrides: over }).detection;

const IDS = ['cpu-high', 'cpu-anomaly', 'memory-high', 'disk-high', 'brute-force-src-ip', 'port-scan', 'builtin.cpu_pct'];

describe('editDistance', () => {
  test.each<[string, string, number]>([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['cpu-high', 'cpu-high', 0],
    ['cpu-hgih', 'cpu-high', 2],
    ['cpu-hig', 'cpu-high', 1],
    ['kitten', 'sitting', 3],
  ])('%s / %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closeIds', () => {
  test.each<[string, string[]]>([
    ['cpu-hgih', ['cpu-high']],
    ['CPU-HIGH', ['cpu-high']],
    ['cpu', ['builtin.cpu_pct', 'cpu-anomaly', 'cpu-high']],
    ['high', ['cpu-high', 'disk-high', 'memory-high']],
    ['port_scan', ['port-scan']],
    ['zzzzzzzzzz', []],
    ['', []],
    ['x', []],
  ])('%s -> %j', (id, want) => {
    expect(closeIds(id, IDS)).toEqual(want);
  });

  test('at most max, nearest first', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `rule-${i}`);
    expect(closeIds('rule-1', ids, 3)).toEqual(['rule-1', 'rule-0', 'rule-10']);
  });
});

describe('findRule', () => {
  test('an unknown id is a usage error (exit 2) naming the close ids', async () => {
    const set = await loadRuleSet(detection({ 'detection.builtin_thresholds': { cpu_pct: 90, mem_pct: 95 } }), tempDir());
    const rules = requireValid(set);
    expect(findRule(rules, 'builtin.cpu_pct').meta.id).toBe('builtin.cpu_pct');
    let err: unknown;
    try {
      findRule(rules, 'builtin.cpu-pct');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LogaggError);
    expect(err).toMatchObject({ code: 'USAGE', exitCode: 2, details: { close: ['builtin.cpu_pct', 'builtin.mem_pct'] } });
    expect((err as Error).message).toBe('no rule with id "builtin.cpu-pct"; close ids: builtin.cpu_pct, builtin.mem_pct (`logagg rules list` shows every rule)');
  });
});

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
