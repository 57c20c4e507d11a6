import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

const load = (overrides: Record<string, unknown> = {}, env: Record<string, string> = {}) => loadConfig({ defaultsFile: null, env, overrides }).detection;

function problems(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('detection config', () => {
  test('defaults', () => {
    expect(load()).toEqual({
      enabled: true,
      rules_dir: 'config/rules',
      watch: true,
      strict: false,
      default_suppress: 600_000,
      max_alerts_per_rule_per_hour: 100,
      max_groups: 10_000,
      state: { save: true, every_events: 100_000, every: 60_000, max_replay: 2_000_000 },
      critical_asset_raise: { steps: 1, criticalities: ['critical'] },
      sigma: { field_map: {}, informational: 'skip', presets: true, logsources: {}, unmapped_logsource: 'all', placeholders: {} },
      builtin_thresholds: { cpu_pct: null, mem_pct: null, disk_pct: null, net_in: null, net_out: null, severity: 'HIGH', for: null, suppress: null },
      anomaly: { metrics: [], method: 'ewma', k: null, warmup: 30, half_life: 1_800_000, window: 60, min_stddev: 1, direction: 'high', severity: 'MEDIUM' },
      maintenance_windows: [],
    });
  });

  test('maintenance windows: checked at load, made into windows', () => {
    const w = { name: 'backup', cron: '0 2 * * sat', duration: '2h', time_zone: 'Europe/Berlin', hosts: ['DB-*'] };
    expect(load({ 'detection.maintenance_windows': [w] }).maintenance_windows).toEqual([
      { name: 'backup', cron: '0 2 * * sat', duration_ms: 7_200_000, time_zone: 'Europe/Berlin', matchers: { rules: [], hosts: ['db-*'], severities: [] }, comment: '' },
    ]);
  });

  test('state: saving can be turned off; bad values name the key', () => {
    expect(load({ 'detection.state.save': false, 'detection.state.every': '10s' }).state).toMatchObject({ save: false, every: 10_000 });
    expect(problems(() => load({ 'detection.state.every_events': 0 })).map((p) => p.key)).toEqual(['detection.state.every_events']);
    expect(problems(() => load({ 'detection.state.every': 'soon' })).map((p) => p.key)).toEqual(['detection.state.every']);
  });

  test('values from the environment: durations, numbers, lists, units', () => {
    const d = load(
      {},
      {
        LOGAGG_DETECTION_DEFAULT_SUPPRESS: '30s',
        LOGAGG_DETECTION_MAX_ALERTS_PER_RULE_PER_HOUR: '0',
        LOGAGG_DETECTION_BUILTIN_THRESHOLDS_NET_OUT: '50MB/s',
        LOGAGG_DETECTION_BUILTIN_THRESHOLDS_CPU_PCT: '85',
        LOGAGG_DETECTION_ANOMALY_METRICS: 'cpu_pct,mem_pct',
        LOGAGG_DETECTION_CRITICAL_ASSET_RAISE_CRITICALITIES: 'high,critical',
        LOGAGG_DETECTION_SIGMA_INFORMATIONAL: 'LOW',
      },
    );
    expect(d.default_suppress).toBe(30_000);
    expect(d.max_alerts_per_rule_per_hour).toBe(0);
    expect(d.builtin_thresholds.net_out).toBe('50MB/s');
    expect(d.builtin_thresholds.cpu_pct).toBe('85');
    expect(d.anomaly.metrics).toEqual(['cpu_pct', 'mem_pct']);
    expect(d.critical_asset_raise.criticalities).toEqual(['high', 'critical']);
    expect(d.sigma.informational).toBe('LOW');
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a bad duration', { 'detection.default_suppress': 'soon' }, 'detection.default_suppress'],
    ['a negative cap', { 'detection.max_alerts_per_rule_per_hour': -1 }, 'detection.max_alerts_per_rule_per_hour'],
    ['an unknown criticality', { 'detection.critical_asset_raise.criticalities': ['vital'] }, 'detection.critical_asset_raise.criticalities.0'],
    ['too many raise steps', { 'detection.critical_asset_raise.steps': 4 }, 'detection.critical_asset_raise.steps'],
    ['an unknown informational handling', { 'detection.sigma.informational': 'MEDIUM' }, 'detection.sigma.informational'],
    ['a logsource key without its kind', { 'detection.sigma.logsources': { linux: { process: 'x' } } }, 'detection.sigma.logsources.linux'],
    ['an unknown anomaly metric', { 'detection.anomaly.metrics': ['load'] }, 'detection.anomaly.metrics.0'],
    ['an unknown key, with a suggestion', { 'detection.rule_dir': 'x' }, 'detection.rule_dir'],
    ['a window with a bad cron', { 'detection.maintenance_windows': [{ name: 'a', cron: '0 25 * * *', duration: '1h' }] }, 'detection.maintenance_windows.0.cron'],
    ['a window in an unknown zone', { 'detection.maintenance_windows': [{ name: 'a', cron: '0 2 * * *', duration: '1h', time_zone: 'Mars/Base' }] }, 'detection.maintenance_windows.0.time_zone'],
    ['a window longer than a week', { 'detection.maintenance_windows': [{ name: 'a', cron: '0 2 * * *', duration: '8d' }] }, 'detection.maintenance_windows.0.duration'],
    ['two windows of one name', { 'detection.maintenance_windows': [{ name: 'a', cron: '0 2 * * *', duration: '1h' }, { name: 'a', cron: '0 3 * * *', duration: '1h' }] }, 'detection.maintenance_windows.1.name'],
  ])('%s names the key', (_n, overrides, key) => {
    expect(problems(() => load(overrides)).map((p) => p.key)).toContain(key);
  });
});
