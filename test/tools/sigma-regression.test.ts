// `npm run sigma:regression` on the fixture folder and on a folder laid out like a clone of
// SigmaHQ/sigma (regression_data/**/<rule-id>.json, the rule found by id under rules*/): the
// table, the totals per shape, --json and --min-rate as a user sees them.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadCases } from '../../src/tools/sigma-regression-cases.js';
import { runRegression } from '../../src/tools/sigma-regression-run.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/sigma/sigmahq-regression/', import.meta.url));
const TOOL = fileURLToPath(new URL('../../lib/tools/sigma-regression.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [TOOL, ...args], { encoding: 'utf8' });

describe('on the fixture folder', () => {
  const report = runRegression(loadCases(FIXTURES));
  const n = report.totals.rules;

  test('every rule loads; the two published mismatches are the ones that do not fire', () => {
    expect(report.totals.loaded).toBe(n);
    const silent = report.cases.filter((c) => c.fires['evtx-JSON'] === false).map((c) => c.name);
    expect(silent).toEqual(expect.arrayContaining(['registry_add_persistence_amsi_providers', 'win_wmi_persistence']));
    expect(report.totals.cross).toBe(0);
  });

  test('totals per shape count the samples each shape applies to', () => {
    const json = report.cases.filter((c) => c.fires['evtx-JSON'] !== undefined).length;
    expect(report.totals.shapes['evtx-JSON']).toEqual({ samples: json, fired: report.cases.filter((c) => c.fires['evtx-JSON'] === true).length, rate: expect.any(Number) });
    expect(report.totals.shapes['Winlogbeat ECS']!.samples).toBe(json);
  });

  test('the CLI prints the table and totals; --min-rate decides the exit code; --json is the report', () => {
    const text = run('--sigma', FIXTURES);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^\| rule \| logsource \| evtx-JSON \| syslog \| Winlogbeat ECS \| flat \| other logsources firing \|/);
    expect(text.stdout).toContain('| net_connection_win_notepad | product:windows,category:network_connection | fires | – | fires | fires |  |');
    expect(text.stdout).toContain('| win_wmi_persistence | product:windows,service:wmi | **no** |');
    expect(text.stdout).toMatch(/evtx-JSON: \d+ of \d+ fire \(\d+\.\d %\)/);
    expect(text.stdout).toContain('rules firing on a sample of a logsource they do not cover: 0');
    const strict = run('--sigma', FIXTURES, '--min-rate', '1');
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/evtx-JSON: \d+ of \d+ is under --min-rate 1/);
    expect(run('--sigma', FIXTURES, '--min-rate', '0.5').status).toBe(0);
    const json = JSON.parse(run('--sigma', FIXTURES, '--json').stdout);
    expect(json.totals).toEqual(report.totals);
    expect(run('--sigma', FIXTURES, '--min-rate', '2').status).toBe(2);
    expect(run('--sigma', join(FIXTURES, 'nope')).status).toBe(2);
  });
});

test('a SigmaHQ clone: samples under regression_data/, each rule found by its id under rules*/', () => {
  const root = mkdtempSync(join(tmpdir(), 'sigma-clone-'));
  const take = (name: string, ruleDir: string, dataDir: string) => {
    const rule = readFileSync(join(FIXTURES, name, 'rule.yml'), 'utf8');
    const id = /^id: (\S+)/m.exec(rule)![1]!;
    mkdirSync(join(root, ruleDir), { recursive: true });
    writeFileSync(join(root, ruleDir, `${name}.yml`), rule);
    mkdirSync(join(root, dataDir, name), { recursive: true });
    cpSync(join(FIXTURES, name, 'sample.json'), join(root, dataDir, name, `${id}.json`));
  };
  take('net_connection_win_notepad', 'rules/windows/network_connection', 'regression_data/rules/windows/network_connection');
  take('win_security_audit_log_cleared', 'rules-threat-hunting/windows/builtin/security', 'regression_data/rules-threat-hunting/windows/builtin/security');
  // a sample whose rule is not in the clone is skipped
  mkdirSync(join(root, 'regression_data/rules/x'), { recursive: true });
  writeFileSync(join(root, 'regression_data/rules/x/00000000-0000-4000-8000-0000000000ff.json'), '{}');
  const cases = loadCases(root);
  expect(cases.map((c) => c.name)).toEqual(['net_connection_win_notepad', 'win_security_audit_log_cleared']);
  const r = runRegression(cases);
  expect(r.totals.shapes['evtx-JSON']).toEqual({ fired: 2, samples: 2, rate: 1 });
  expect(r.totals.shapes['flat']).toEqual({ fired: 2, samples: 2, rate: 1 });
});
