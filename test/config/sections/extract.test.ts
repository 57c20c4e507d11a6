import { describe, expect, test } from 'vitest';
import { extractorsFromConfig } from '../../../src/app/extractors.js';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

const load = (overrides: Record<string, unknown> = {}) => loadConfig({ defaultsFile: null, env: {}, overrides }).extract;

function problems(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('extract config', () => {
  test('defaults: no patterns, no extractors, and nothing for the normalizer to look at', () => {
    const cfg = load();
    expect(cfg).toEqual({ patterns: {}, extractors: [] });
    expect(extractorsFromConfig(cfg)).toBeUndefined();
  });

  test('a valid extractor loads and compiles', () => {
    const cfg = load({ 'extract.extractors': [{ name: 'app', topics: ['app-logs'], grok: '%{IP:src_ip}', fields: { 'event.action': 'login' } }] });
    expect(cfg.extractors[0]).toEqual({ name: 'app', topics: ['app-logs'], grok: '%{IP:src_ip}', fields: { 'event.action': 'login' } });
    expect(extractorsFromConfig(cfg)?.line.map((x) => x.name)).toEqual(['app']);
  });

  test.each<[string, Record<string, unknown>, { key: string; message: string }]>([
    ['a bad grok', { 'extract.extractors': [{ name: 'ssh-extra', grok: '%{IPADDR:src_ip}' }] }, { key: 'extract.extractors.0.grok', message: 'extractor "ssh-extra": unknown pattern %{IPADDR}; define it under extract.patterns' }],
    ['a bad regex', { 'extract.extractors': [{ name: 'r', regex: '(?<user>[a-' }] }, { key: 'extract.extractors.0.regex', message: 'extractor "r": not a valid regular expression' }],
    ['a bad name', { 'extract.extractors': [{ name: 'My App', regex: '(?<user>x)' }] }, { key: 'extract.extractors.0.name', message: 'use lower-case letters' }],
    ['an unknown key', { 'extract.extractors': [{ name: 'a', regex: '(?<user>x)', program: ['sshd'] }] }, { key: 'extract.extractors.0.program', message: 'unknown key' }],
    ['an unknown format', { 'extract.extractors': [{ name: 'a', regex: '(?<user>x)', formats: ['nginx'] }] }, { key: 'extract.extractors.0.formats.0', message: 'must be one of' }],
    ['a bad pattern name', { 'extract.patterns': { 'my-id': 'x' } }, { key: 'extract.patterns.my-id', message: 'upper-case letters' }],
  ])('%s is refused with the key and the fix', (_n, overrides, expected) => {
    const p = problems(() => load(overrides));
    expect(p[0]!.key).toBe(expected.key);
    expect(p[0]!.message).toContain(expected.message);
  });
});
