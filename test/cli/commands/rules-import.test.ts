// `logagg rules import` as a user runs it (the built CLI, `npm run build` first): published Sigma
// rules copied into the rules folder, refused ones named with their reason and not copied,
// logsource coverage reported, `|expand` placeholders filled from the config's lists.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test, vi } from 'vitest';
import { tempDir } from '../../helpers/temp.js';
import { cli } from '../fixtures.js';

vi.setConfig({ testTimeout: 120_000 });

const PRESETS = fileURLToPath(new URL('../../fixtures/sigma/presets/', import.meta.url));
/** The preset fixtures: all compile; one (product: zeek) has no preset. */
const N = readdirSync(PRESETS).filter((f) => f.endsWith('.yml')).length;
const EXPAND = fileURLToPath(new URL('../../fixtures/sigma/unsupported/placeholder_expand.yml', import.meta.url));

function setup(extra = ''): { dir: string; config: string; rules: string; src: string } {
  const dir = tempDir();
  const rules = path.join(dir, 'rules');
  const src = path.join(dir, 'sigmahq');
  cpSync(PRESETS, path.join(src, 'rules'), { recursive: true });
  cpSync(EXPAND, path.join(src, 'rules', 'windows', 'win_security_admin_logon_expand.yml'));
  const config = path.join(dir, 'logagg.yaml');
  writeFileSync(config, ['detection:', `  rules_dir: ${JSON.stringify(rules)}`, extra, ''].join('\n'));
  return { dir, config, rules, src };
}

describe('logagg rules import', () => {
  test('the fixtures are a dozen rules', () => expect(N).toBeGreaterThanOrEqual(12));

  test('copies the rules that compile, names the refused one with its reason, reports coverage (--json)', async () => {
    const { config, rules, src } = setup();
    const r = await cli(['-c', config, 'rules', 'import', '--json', path.join(src, 'rules')]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ files: N + 1, loaded: N, unchanged: 0, dry_run: false });
    expect(report.copied).toHaveLength(N);
    expect(report.refused).toEqual([
      {
        file: path.join(src, 'rules', 'windows', 'win_security_admin_logon_expand.yml'),
        rule: 'Logon By Administrators Placeholder',
        reason: expect.stringContaining('placeholder %Administrators% has no list'),
      },
    ]);
    expect(report.logsource_coverage).toMatchObject({ rules: N, mapped: N - 1, partial: 0, unmapped: 1 });
    expect(report.logsource_coverage.logsources[0]).toEqual({ logsource: 'product:zeek,service:notice', coverage: 'unmapped', applied: [], rules: 1 });
    expect(report.logsource_coverage.logsources).toContainEqual({ logsource: 'product:windows,category:process_creation', coverage: 'mapped', applied: ['product:windows', 'product:windows,category:process_creation'], rules: 2 });
    // and each rule, with what its logsource applies
    expect(report.logsource_coverage.by_rule).toHaveLength(N);
    expect(report.logsource_coverage.by_rule).toContainEqual(expect.objectContaining({ id: 'sigma-5d8e2b34-7e6a-4b1f-8a55-1f2c3d4e5f60', logsource: 'product:zeek,service:notice', coverage: 'unmapped', applied: [] }));
    const copied = path.join(rules, 'sigma', 'rules', 'lnx_sshd_susp_ssh.yml');
    expect(readFileSync(copied, 'utf8')).toBe(readFileSync(path.join(PRESETS, 'lnx_sshd_susp_ssh.yml'), 'utf8'));
    expect(existsSync(path.join(rules, 'sigma', 'rules', 'windows', 'win_security_admin_logon_expand.yml'))).toBe(false);

    // The imported folder is a valid rule set; validate says which logsource sees every event.
    const v = await cli(['-c', config, 'rules', 'validate']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`ok: ${N} rules in ${N} files`);
    expect(v.stdout).toContain('sees every event: product:zeek,service:notice (1 rule)');

    // list: each Sigma rule's logsource and coverage; a note for those that see every event.
    const l = await cli(['-c', config, 'rules', 'list', '--output', 'json']);
    expect(l.code).toBe(0);
    const listed = JSON.parse(l.stdout).rules;
    expect(listed.find((x: { id: string }) => x.id === 'sigma-5d8e2b34-7e6a-4b1f-8a55-1f2c3d4e5f60').logsource).toEqual({ logsource: 'product:zeek,service:notice', coverage: 'unmapped', applied: [] });
    expect(listed.find((x: { id: string }) => x.id === 'sigma-e76b413a-83d0-4b94-8e4c-85db4a5b8bdc').logsource).toEqual({ logsource: 'product:linux,service:sshd', coverage: 'mapped', applied: ['product:linux', 'product:linux,service:sshd'] });
    expect(l.stderr).toContain('note: 1 Sigma rule has a logsource without a preset: it sees every event');

    // Again: nothing to copy.
    const again = JSON.parse((await cli(['-c', config, 'rules', 'import', '--json', path.join(src, 'rules')])).stdout);
    expect(again).toMatchObject({ loaded: N, unchanged: N, copied: [] });
  });

  test('with a list for the placeholder the |expand rule loads; --dry-run copies nothing; text output', async () => {
    const { config, rules, src } = setup('  sigma:\n    placeholders:\n      Administrators: [Administrator, admin]');
    const r = await cli(['-c', config, 'rules', 'import', '--dry-run', path.join(src, 'rules')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${N + 1} rules loaded from ${N + 1} files; would copy ${N + 1} into`);
    expect(r.stdout).toContain(`logsource coverage: ${N + 1} Sigma rules: ${N} mapped, 0 partly mapped`);
    expect(r.stdout).not.toContain('refused');
    expect(existsSync(path.join(rules, 'sigma'))).toBe(false);
  });

  test('a path that does not exist: exit 2, named', async () => {
    const { config, dir } = setup();
    const r = await cli(['-c', config, 'rules', 'import', path.join(dir, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no such file or folder: ${path.join(dir, 'nope')}`);
  });
});
