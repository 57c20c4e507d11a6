import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { normalizeMessage } from '../../src/core/normalize.js';
import { REAL_KINDS, realMix, type RealKind } from '../../src/tools/real-mix.js';
import { mixMessages } from '../../src/tools/sample-producer.js';
import { BIN } from '../helpers/cli.js';

const start = Date.UTC(2026, 10, 20, 10, 16, 3);
const lines = [...realMix(3000, { seed: 7, start, stepMs: 1000 })];

const JSON_KINDS: readonly RealKind[] = ['filebeat', 'journald', 'docker'];

describe('realMix', () => {
  test('edges: no lines for 0, the count asked for, the same lines for the same seed, others for another', () => {
    expect([...realMix(0, { start })]).toEqual([]);
    expect(lines).toHaveLength(3000);
    expect([...realMix(50, { seed: 7, start, stepMs: 1000 })]).toEqual(lines.slice(0, 50));
    expect([...realMix(50, { seed: 8, start, stepMs: 1000 })]).not.toEqual(lines.slice(0, 50));
  });

  test('every kind appears, syslog file lines most', () => {
    const byKind = new Map<RealKind, number>();
    for (const l of lines) byKind.set(l.kind, (byKind.get(l.kind) ?? 0) + 1);
    expect([...byKind.keys()].sort()).toEqual([...REAL_KINDS].sort());
    const most = [...byKind].sort((a, b) => b[1] - a[1])[0]!;
    expect(most[0]).toBe('syslog-file');
  });

  test('one line each, JSON kinds are JSON objects with their envelope keys', () => {
    for (const l of lines) {
      expect(l.value).not.toContain('\n');
      if (!JSON_KINDS.includes(l.kind)) continue;
      const o = JSON.parse(l.value);
      const keys = { filebeat: ['@timestamp', 'message', 'host'], journald: ['__REALTIME_TIMESTAMP', '_HOSTNAME', 'SYSLOG_IDENTIFIER', 'MESSAGE'], docker: ['log', 'stream', 'time'] }[l.kind as 'filebeat' | 'journald' | 'docker'];
      for (const k of keys) expect(o, `${l.kind} ${l.value}`).toHaveProperty([k]);
    }
  });

  test.each<[RealKind, RegExp]>([
    ['syslog-file', /^[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d (web|db|bastion)-\d\d [\w-]+(\[\d+\])?: +\S/],
    ['syslog-rfc3339', /^2026-11-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 (web|db|bastion)-\d\d [\w-]+(\[\d+\])?: +\S/],
    ['nginx-access', /^\d+\.\d+\.\d+\.\d+ - \S+ \[\d\d\/Nov\/2026:\d\d:\d\d:\d\d \+0000\] "[A-Z]+ \/\S* HTTP\/1\.1" \d{3} \d+ "[^"]*" "[^"]+"$/],
    ['apache-vhost', /^www\.example\.com:443 \d+\.\d+\.\d+\.\d+ - \S+ \[[^\]]+\] "[A-Z]+ \S+ HTTP\/1\.1" \d{3} (\d+|-) "-" "[^"]+"$/],
    ['app-log4j', /^2026-11-\d\d \d\d:\d\d:\d\d,\d{3} (INFO |WARN |ERROR|DEBUG) \[[\w-]+\] [\w.]+ - /],
    ['app-python', /^2026-11-\d\d \d\d:\d\d:\d\d,\d{3} - [\w.]+ - (INFO|WARNING|ERROR|DEBUG) - /],
    ['app-go', /^2026\/11\/\d\d \d\d:\d\d:\d\d http: TLS handshake error from /],
    ['nginx-error', /^2026\/11\/\d\d \d\d:\d\d:\d\d \[(error|warn|crit)\] \d+#\d+: \*\d+ /],
  ])('%s lines have the real shape', (kind, shape) => {
    const of = lines.filter((l) => l.kind === kind);
    expect(of.length).toBeGreaterThan(0);
    for (const l of of) expect(l.value).toMatch(shape);
  });

  test('the first line carries the start time', () => {
    const first = [...realMix(1, { seed: 3, start, stepMs: 1000 })][0]!;
    expect(first.value).toMatch(/Nov 20 10:16:03|2026-11-20T10:16:03|20\/Nov\/2026:10:16:03|2026[-/]11[-/]20 10:16:03|"__REALTIME_TIMESTAMP":"1763633763/);
  });

  test('varied hosts, addresses and users', () => {
    const hosts = new Set(lines.map((l) => /(web|db|bastion)-\d\d/.exec(l.value)?.[0]).filter(Boolean));
    const ips = new Set(lines.flatMap((l) => l.value.match(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g) ?? []));
    const users = new Set(lines.flatMap((l) => [...l.value.matchAll(/for (?:invalid user )?(\w[\w-]*) from/g)].map((m) => m[1])));
    expect(hosts.size).toBeGreaterThanOrEqual(20);
    expect(ips.size).toBeGreaterThan(1000);
    expect(users.size).toBeGreaterThanOrEqual(8);
  });

  test('the consumer decodes every line without a parse error; the JSON kinds as JSON', () => {
    for (const l of lines) {
      const e = normalizeMessage(Buffer.from(l.value), { source: { kind: 'kafka', topic: l.topic, partition: 0, offset: null }, receivedAt: start + 3_600_000, maxBytes: 256 * 1024 });
      expect(e.parse_error, l.value).toBeNull();
      if (JSON_KINDS.includes(l.kind)) expect(e.format).toBe('json');
    }
  });

  test('mixMessages picks the generator by name', () => {
    expect([...mixMessages('real', 5, { seed: 7, start, stepMs: 1000 })]).toEqual(lines.slice(0, 5));
    expect([...mixMessages('default', 5, { seed: 7, start, stepMs: 1000 })].map((m) => m.value)).not.toEqual(lines.slice(0, 5).map((m) => m.value));
  });
});

describe('npm run bench --mix', () => {
  test('an unknown mix is refused before anything starts', () => {
    const r = spawnSync(process.execPath, [path.join(path.dirname(BIN), '..', 'lib', 'bench', 'run.js'), '--mix', 'bogus'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--mix must be default or real, not bogus');
  });
});
