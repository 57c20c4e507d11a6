import { describe, expect, test } from 'vitest';
import { loadRuleSet, requireValid } from '../../../../src/app/detection-rules.js';
import { closeIds, editDistance, findRule } from '../../../../src/cli/commands/rules/rule-set.js';
import { loadConfig } from '../../../../src/config/load.js';
import { LogaggError } from '../../../../src/errors.js';
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
