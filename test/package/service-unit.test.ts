// The systemd unit shipped beside the executable (scripts/package/logagg.service): the hardening
// and lifecycle keys docs/operations.md promises, and systemd's own verdict where it is installed.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../helpers/temp.js';

const UNIT = path.resolve('scripts/package/logagg.service');
const text = readFileSync(UNIT, 'utf8');

/** section → key → values (a key may repeat, e.g. Environment=); comments and blanks skipped. */
function parseUnit(src: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let section: Map<string, string[]> | undefined;
  for (const raw of src.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      out.set(head[1]!, (section = new Map()));
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 1) throw new Error(`not a unit line: ${raw}`);
    const key = line.slice(0, eq);
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

const unit = parseUnit(text);
const service = unit.get('Service')!;
const one = (key: string): string | undefined => service.get(key)?.at(-1);

describe('logagg.service', () => {
  test.each([
    ['User', 'logagg'],
    ['StateDirectory', 'logagg'],
    ['CacheDirectory', 'logagg'],
    ['ConfigurationDirectory', 'logagg'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['NoNewPrivileges', 'yes'],
    ['PrivateTmp', 'yes'],
    ['CapabilityBoundingSet', ''],
    ['Restart', 'on-failure'],
    ['KillSignal', 'SIGTERM'],
    ['TimeoutStopSec', '60s'],
    ['RestartPreventExitStatus', '2'],
  ])('%s=%s', (key, value) => {
    expect(one(key)).toBe(value);
  });

  test('runs serve with the config from ConfigurationDirectory and keeps state in StateDirectory', () => {
    expect(one('ExecStart')).toBe('/usr/local/bin/logagg -c /etc/logagg/logagg.yaml serve');
    const env = service.get('Environment') ?? [];
    expect(env).toContain('LOGAGG_STORAGE_PATH=/var/lib/logagg/logagg.db');
    expect(env).toContain('LOGAGG_BACKUP_DIR=/var/lib/logagg/backups');
    // The executable's addons are unpacked into CacheDirectory (src/sea/cache-dir.ts).
    expect(env).toContain('XDG_CACHE_HOME=/var/cache');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  test.skipIf(analyze.status !== 0)('systemd-analyze verify finds nothing (and does find a broken key)', () => {
    const dir = tempDir('logagg-unit-');
    // verify insists that ExecStart's binary exists: point it at a stand-in.
    const bin = path.join(dir, 'logagg');
    writeFileSync(bin, '#!/bin/sh\nexit 0\n');
    chmodSync(bin, 0o755);
    const verify = (src: string): string => {
      const file = path.join(dir, 'logagg.service');
      writeFileSync(file, src.replace('/usr/local/bin/logagg ', `${bin} `));
      const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      return `${r.status === 0 ? '' : `exit ${r.status}\n`}${r.stderr}`.trim();
    };
    expect(verify(text)).toBe('');
    expect(verify(text.replace('ProtectHome=yes', 'ProtectHome=maybe'))).toMatch(/ProtectHome|protect home/i);
  });
});
