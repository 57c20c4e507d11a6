// The built-in logsource presets: rules in SigmaHQ's published format (test/fixtures/sigma/presets)
// fire on their events in every Windows shape (Winlogbeat ECS, evtx-JSON, flat) and on Linux
// lines (auditd, syslog sshd, access log), and do not fire on events outside their logsource,
// even when those hold the same fields or words.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { NormalizedEvent } from '../../../../src/core/event.js';
import { normalizeMessage } from '../../../../src/core/normalize.js';
import { compileSigmaCollection, type SigmaDocInput } from '../../../../src/core/rules/sigma/collection.js';
import type { SigmaCompiledRule } from '../../../../src/core/rules/sigma/compile-rule.js';
import { logsourceCovers, parseLogsourceKey, SYSMON_CATEGORY_EVENTS, WINDOWS_SERVICE_CHANNELS } from '../../../../src/core/rules/sigma/logsource-presets.js';
import type { SigmaContext } from '../../../../src/core/rules/sigma/options.js';
import { sigmaCtx } from './sigma-kit.js';

const DIR = fileURLToPath(new URL('../../../fixtures/sigma/presets/', import.meta.url));
const DOCS: SigmaDocInput[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d, index) => ({ file: f, index, doc: d.toJS() })));

const source = { kind: 'kafka' as const, topic: 'logs', partition: 0, offset: '1' };
const R = Date.UTC(2026, 11, 7);
const norm = (payload: unknown): NormalizedEvent =>
  normalizeMessage(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), { source, receivedAt: R, maxBytes: 1 << 20 });

function load(over: Partial<SigmaContext> = {}): Map<string, SigmaCompiledRule> {
  const out = compileSigmaCollection(DOCS, sigmaCtx({ sigmaPresets: true, ...over }));
  expect(out.errors).toEqual([]);
  return new Map(out.rules.map((r) => [r.meta.file as string, r]));
}

const RULES = load();

/** Whether the rule of `file` fires on the event. */
function fires(file: string, e: NormalizedEvent, rules = RULES): boolean {
  const r = rules.get(file);
  if (!r) throw new Error(`${file} not loaded`);
  return r.evaluate([e], r.initialState()).length === 1;
}

/** One Windows event, written by the tests in each shape shippers deliver. */
interface Win {
  id: number;
  channel: string;
  provider: string;
  data: Record<string, string>;
}

const SHAPES: Record<string, (w: Win) => unknown> = {
  winlogbeat: (w) => ({
    '@timestamp': '2026-12-07T10:00:00.000Z',
    host: { name: 'ws1' },
    event: { code: String(w.id), provider: w.provider },
    winlog: { channel: w.channel, provider_name: w.provider, event_id: w.id, computer_name: 'ws1.corp.example', record_id: 42, event_data: w.data },
  }),
  evtx: (w) => ({
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: w.provider } },
        EventID: w.id,
        Level: 4,
        TimeCreated: { '#attributes': { SystemTime: '2026-12-07T10:00:00.000000Z' } },
        EventRecordID: 42,
        Channel: w.channel,
        Computer: 'ws1.corp.example',
      },
      EventData: w.data,
    },
  }),
  flat: (w) => ({ EventID: w.id, Channel: w.channel, Provider_Name: w.provider, Computer: 'ws1.corp.example', TimeCreated: '2026-12-07T10:00:00Z', ...w.data }),
};

const SYSMON = { channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon' };
const SECURITY = { channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing' };

const WIN: Record<string, Win> = {
  sysmon1Whoami: { ...SYSMON, id: 1, data: { Image: 'C:\\Windows\\System32\\whoami.exe', OriginalFileName: 'whoami.exe', CommandLine: 'whoami /all', ParentImage: 'C:\\Windows\\System32\\cmd.exe', User: 'CORP\\bob' } },
  sec4688Whoami: {
    ...SECURITY,
    id: 4688,
    data: {
      NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
      CommandLine: 'whoami /all',
      ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
      SubjectUserName: 'bob',
      SubjectDomainName: 'CORP',
      NewProcessId: '0x1a2c',
      MandatoryLabel: 'S-1-16-12288',
    },
  },
  // A logon whose ProcessName holds whoami.exe: the same image-like field, another logsource.
  sec4624Whoami: { ...SECURITY, id: 4624, data: { TargetUserName: 'bob', LogonType: '3', IpAddress: '203.0.113.9', ProcessName: 'C:\\Windows\\System32\\whoami.exe', Image: 'C:\\Windows\\System32\\whoami.exe' } },
  // Windows Defender's event 1 is not a process creation either.
  defender1Whoami: { channel: 'Microsoft-Windows-Windows Defender/Operational', provider: 'Microsoft-Windows-Windows Defender', id: 1, data: { Image: 'C:\\Windows\\System32\\whoami.exe' } },
  sec4625Public: { ...SECURITY, id: 4625, data: { TargetUserName: 'administrator', LogonType: '3', IpAddress: '198.51.100.23', IpPort: '51234', Status: '0xc000006d' } },
  sec4625Private: { ...SECURITY, id: 4625, data: { TargetUserName: 'administrator', LogonType: '3', IpAddress: '10.1.2.3', IpPort: '51234' } },
  // A Sysmon event 4625 does not exist; one with the id in another channel is not a Security logon.
  app4625Public: { channel: 'Application', provider: 'SomeApp', id: 4625, data: { IpAddress: '198.51.100.23' } },
  sysmon3Winlogon: { ...SYSMON, id: 3, data: { Image: 'C:\\Windows\\System32\\winlogon.exe', Initiated: 'true', DestinationIp: '93.184.216.34', DestinationPort: '443', SourceIp: '10.0.0.5' } },
  sysmon3WinlogonLan: { ...SYSMON, id: 3, data: { Image: 'C:\\Windows\\System32\\winlogon.exe', Initiated: 'true', DestinationIp: '10.0.0.9', DestinationPort: '445' } },
  sysmon1Winlogon: { ...SYSMON, id: 1, data: { Image: 'C:\\Windows\\System32\\winlogon.exe', Initiated: 'true', DestinationIp: '93.184.216.34' } },
  systemMimikatz: { channel: 'System', provider: 'Service Control Manager', id: 7045, data: { ServiceName: 'mimikatz', ImagePath: 'C:\\temp\\mimikatz.exe' } },
};

describe.each(Object.keys(SHAPES))('Windows, %s shape', (shape) => {
  const e = (name: string) => norm((SHAPES[shape] as (w: Win) => unknown)(WIN[name] as Win));

  test.each([
    // rule file, event, fires
    ['proc_creation_win_whoami_execution.yml', 'sysmon1Whoami', true],
    ['proc_creation_win_whoami_execution.yml', 'sec4688Whoami', true],
    ['proc_creation_win_whoami_execution.yml', 'sec4624Whoami', false],
    ['proc_creation_win_whoami_execution.yml', 'defender1Whoami', false],
    ['proc_creation_win_cmd_parent_whoami.yml', 'sysmon1Whoami', true],
    ['proc_creation_win_cmd_parent_whoami.yml', 'sec4688Whoami', true],
    ['win_security_failed_logon_public_ip.yml', 'sec4625Public', true],
    ['win_security_failed_logon_public_ip.yml', 'sec4625Private', false],
    ['win_security_failed_logon_public_ip.yml', 'app4625Public', false],
    ['net_connection_win_winlogon_net_connections.yml', 'sysmon3Winlogon', true],
    ['net_connection_win_winlogon_net_connections.yml', 'sysmon3WinlogonLan', false],
    ['net_connection_win_winlogon_net_connections.yml', 'sysmon1Winlogon', false],
    ['win_system_mimikatz_keyword.yml', 'systemMimikatz', true],
    ['win_system_mimikatz_keyword.yml', 'sysmon1Whoami', false],
    // Linux rules never see Windows records, whatever their fields.
    ['proc_creation_lnx_base64_decode.yml', 'sysmon1Whoami', false],
    ['lnx_sshd_susp_ssh.yml', 'systemMimikatz', false],
  ] as const)('%s on %s: %s', (file, name, want) => {
    expect(fires(file, e(name))).toBe(want);
  });
});

test('Security 4688 under Sysmon 1 names: User is DOMAIN\\name, IntegrityLevel the label SID', () => {
  const out = compileSigmaCollection(
    [
      {
        file: 'x.yml',
        index: 0,
        doc: {
          title: 'High integrity whoami by CORP users',
          logsource: { product: 'windows', category: 'process_creation' },
          detection: { selection: { 'Image|endswith': '\\whoami.exe', 'User|startswith': 'CORP\\', IntegrityLevel: ['High', 'S-1-16-12288'] }, condition: 'selection' },
        },
      },
    ],
    sigmaCtx({ sigmaPresets: true }),
  );
  const r = out.rules[0]!;
  for (const shape of Object.values(SHAPES)) expect(r.evaluate([norm(shape(WIN.sec4688Whoami!))], null)).toHaveLength(1);
  const low = { ...WIN.sec4688Whoami!, data: { ...WIN.sec4688Whoami!.data, MandatoryLabel: 'S-1-16-8192' } };
  expect(r.evaluate([norm(SHAPES.evtx!(low))], null)).toHaveLength(0);
});

describe('PowerShell classic: unnamed EventData values read as Sigma\'s Data list', () => {
  const host = '\tProviderName=Environment\r\n\tHostApplication=powershell.exe & {Set-MpPreference -DisableRealtimeMonitoring 1}\r\n';
  const system = { Provider: { '#attributes': { Name: 'PowerShell' } }, EventID: { '#attributes': { Qualifiers: 0 }, '#text': 600 }, Channel: 'Windows PowerShell', Computer: 'ws1' };
  const samples: [string, unknown][] = [
    ['evtx', { Event: { System: system, EventData: { Data: { '#text': ['Environment', 'Started', host] }, Binary: null } } }],
    ['winlogbeat', { winlog: { channel: 'Windows PowerShell', provider_name: 'PowerShell', event_id: '600', event_data: { param1: 'Environment', param2: 'Started', param3: host } } }],
    ['flat', { EventID: 600, Channel: 'Windows PowerShell', Provider_Name: 'PowerShell', param1: 'Environment', param2: 'Started', param3: host }],
  ];
  test.each(samples)('%s', (_shape, payload) => {
    expect(fires('posh_pc_set_mppreference.yml', norm(payload))).toBe(true);
    // The same event id in another channel is no classic PowerShell provider start.
    const other = JSON.parse(JSON.stringify(payload).replaceAll('Windows PowerShell', 'Application'));
    expect(fires('posh_pc_set_mppreference.yml', norm(other))).toBe(false);
  });
});

const LINUX = {
  execveB64: 'type=EXECVE msg=audit(1765101600.123:4567): argc=3 a0="base64" a1="-d" a2="/tmp/payload.b64"',
  // auditd hex-encodes an argument holding a blank: a2 is "/tmp/my file".
  execveB64Hex: 'type=EXECVE msg=audit(1765101600.123:4568): argc=3 a0="/usr/bin/base64" a1="--decode" a2=2F746D702F6D792066696C65',
  syscallB64: 'type=SYSCALL msg=audit(1765101600.123:4567): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=1000 pid=1234 auid=1000 uid=0 gid=0 euid=0 tty=pts0 ses=1 comm="base64" exe="/usr/bin/base64" key="exec"',
  pathEtc: 'type=PATH msg=audit(1765101600.123:4569): item=0 name="/etc/lsb-release" inode=1 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL',
  sshdError: 'Dec  7 10:00:00 web-1 sshd[1234]: error: Received disconnect from 203.0.113.5 port 52311:3: Corrupted MAC on input. [preauth]',
  cronSameWords: 'Dec  7 10:00:00 web-1 CRON[999]: (root) CMD (echo Corrupted MAC on input)',
  sudoMimikatz: 'Dec  7 10:00:00 web-1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/opt/mimikatz',
  webSqli: `203.0.113.5 - - [07/Dec/2026:10:00:00 +0000] "GET /index.php?id=1' union select 1,2-- HTTP/1.1" 200 512 "-" "sqlmap/1.7"`,
  webSqli404: `203.0.113.5 - - [07/Dec/2026:10:00:00 +0000] "GET /index.php?id=1' union select 1,2-- HTTP/1.1" 404 512 "-" "sqlmap/1.7"`,
  // SigmaHQ's regression sample for the GitHub token rule: Sysmon for Linux through syslog.
  sysmonLinuxGh:
    '2026-06-08T05:28:19.188419+00:00 swachchhanda-ubuntu-wkstn sysmon: <Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2026-06-08T05:28:19.188276000Z"/><EventRecordID>154177</EventRecordID><Correlation/><Execution ProcessID="938" ThreadID="938"/><Channel>Linux-Sysmon/Operational</Channel><Computer>swachchhanda-ubuntu-wkstn</Computer><Security UserId="0"/></System><EventData><Data Name="RuleName">-</Data><Data Name="UtcTime">2026-06-08 05:28:18.790</Data><Data Name="ProcessGuid">{ec2c9708-52f2-6a26-1d88-a2da375b0000}</Data><Data Name="ProcessId">1752</Data><Data Name="Image">/usr/bin/dash</Data><Data Name="FileVersion">-</Data><Data Name="Description">-</Data><Data Name="Product">-</Data><Data Name="Company">-</Data><Data Name="OriginalFileName">-</Data><Data Name="CommandLine">/bin/sh -c gh auth token</Data><Data Name="CurrentDirectory">/home/ubuntu/test/test</Data><Data Name="User">ubuntu</Data><Data Name="LogonGuid">{ec2c9708-5146-6a26-e803-000000000000}</Data><Data Name="LogonId">1000</Data><Data Name="TerminalSessionId">1</Data><Data Name="IntegrityLevel">no level</Data><Data Name="Hashes">SHA256=86d31f6fb799e91fa21bad341484564510ca287703a16e9e46c53338776f4f42</Data><Data Name="ParentProcessGuid">{ec2c9708-52f2-6a26-a106-000300000000}</Data><Data Name="ParentProcessId">1745</Data><Data Name="ParentImage">/home/ubuntu/.nvm/versions/node/v24.11.1/bin/node</Data><Data Name="ParentCommandLine">node</Data><Data Name="ParentUser">ubuntu</Data></EventData></Event>',
  // The same fields in a Windows Sysmon record: a linux rule must not see it.
  sysmonWindowsGh: JSON.stringify({
    Event: {
      System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'ws1' },
      EventData: { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: '/bin/sh -c gh auth token', ParentImage: '/home/ubuntu/bin/node' },
    },
  }),
  // A Sysmon for Linux record whose image looks like Windows': a windows rule must not see it.
  sysmonLinuxWhoami:
    'Dec  7 10:00:00 lx1 sysmon: <Event><System><Provider Name="Linux-Sysmon"/><EventID>1</EventID><Channel>Linux-Sysmon/Operational</Channel><Computer>lx1</Computer></System><EventData><Data Name="Image">C:\\Windows\\System32\\whoami.exe</Data><Data Name="OriginalFileName">whoami.exe</Data></EventData></Event>',
  proxySqli: `1765101600.123    120 10.0.0.5 TCP_MISS/200 1024 GET http://shop.example/index.php?id=1'%20union%20select%201 - HIER_DIRECT/93.184.216.34 text/html`,
};

describe('Linux and web', () => {
  const e = (name: keyof typeof LINUX) => norm(LINUX[name]);
  test.each([
    ['lnx_auditd_base64_decode_files.yml', 'execveB64', true],
    ['lnx_auditd_base64_decode_files.yml', 'syscallB64', false],
    ['proc_creation_lnx_base64_decode.yml', 'execveB64', false], // a0 "base64" is no path: Image|endswith '/base64' fails
    ['proc_creation_lnx_base64_decode.yml', 'execveB64Hex', true],
    ['proc_creation_lnx_base64_decode.yml', 'syscallB64', false], // a SYSCALL record has no command line
    ['proc_creation_lnx_base64_decode.yml', 'pathEtc', false],
    ['proc_creation_win_whoami_execution.yml', 'execveB64', false],
    ['lnx_sshd_susp_ssh.yml', 'sshdError', true],
    ['lnx_sshd_susp_ssh.yml', 'cronSameWords', false],
    ['win_system_mimikatz_keyword.yml', 'sudoMimikatz', false],
    ['proc_creation_lnx_script_interpretors_github_token_access.yml', 'sysmonLinuxGh', true],
    ['proc_creation_lnx_script_interpretors_github_token_access.yml', 'sysmonWindowsGh', false],
    ['proc_creation_win_whoami_execution.yml', 'sysmonLinuxWhoami', false],
    ['web_sql_injection_in_access_logs.yml', 'webSqli', true],
    ['web_sql_injection_in_access_logs.yml', 'webSqli404', false],
    ['web_sql_injection_in_access_logs.yml', 'proxySqli', false], // a proxy line is not a webserver's
    ['web_sql_injection_in_access_logs.yml', 'sshdError', false],
  ] as const)('%s on %s: %s', (file, name, want) => {
    expect(fires(file, e(name))).toBe(want);
  });

  test('the EXECVE command line is argv joined, hex arguments decoded', () => {
    const r = RULES.get('proc_creation_lnx_base64_decode.yml')!;
    const f = r.evaluate([e('execveB64Hex')], null);
    expect(f[0]?.matched).toEqual({ Image: '/usr/bin/base64', CommandLine: '/usr/bin/base64 --decode /tmp/my file' });
  });
});

describe('coverage, skip, overrides, placeholders', () => {
  test('a logsource without a preset loads, sees every event and says so', () => {
    const r = RULES.get('zeek_unmapped.yml')!;
    expect(r.scope).toMatchObject({ coverage: 'unmapped', key: 'product:zeek,service:notice', applied: [] });
    expect(fires('zeek_unmapped.yml', norm(LINUX.sudoMimikatz))).toBe(true);
    expect(r.meta.enabled).toBe(true);
    expect(RULES.get('proc_creation_win_whoami_execution.yml')!.scope).toMatchObject({
      coverage: 'mapped',
      applied: ['product:windows', 'product:windows,category:process_creation'],
    });
  });

  test('unmapped_logsource skip loads such rules disabled, the mapped ones stay on', () => {
    const rules = load({ sigmaUnmappedLogsource: 'skip' });
    expect(rules.get('zeek_unmapped.yml')!.meta.enabled).toBe(false);
    expect(rules.get('lnx_sshd_susp_ssh.yml')!.meta.enabled).toBe(true);
  });

  test('without presets (and no config) a logsource does not restrict, as before', () => {
    const rules = load({ sigmaPresets: false });
    expect(fires('lnx_sshd_susp_ssh.yml', norm(LINUX.cronSameWords), rules)).toBe(true);
    expect(rules.get('lnx_sshd_susp_ssh.yml')!.scope?.coverage).toBe('unmapped');
  });

  test('config replaces a preset condition and adds field names', () => {
    const rules = load({
      sigmaLogsources: {
        // sshd logs under another name here, and the auditd rule reads a renamed field.
        'product:linux,service:sshd': { when: { process: ['sshd', 'CRON'] } },
        'service:notice,product:zeek': { when: { 'source.topic': 'zeek' } },
        'category:webserver': { fields: { 'cs-method': 'attributes.verb' } },
      },
    });
    expect(fires('lnx_sshd_susp_ssh.yml', norm(LINUX.cronSameWords), rules)).toBe(true);
    expect(rules.get('zeek_unmapped.yml')!.scope?.coverage).toBe('mapped');
    expect(fires('zeek_unmapped.yml', norm(LINUX.sudoMimikatz), rules)).toBe(false);
    // cs-method now reads attributes.verb, which the access log does not have.
    expect(fires('web_sql_injection_in_access_logs.yml', norm(LINUX.webSqli), rules)).toBe(false);
    // when: null removes a condition: the rule is then unmapped.
    const open = load({ sigmaLogsources: { 'product:linux,service:sshd': { when: null } } });
    expect(open.get('lnx_sshd_susp_ssh.yml')!.scope).toMatchObject({ coverage: 'partial', applied: ['product:linux'] });
  });

  test('a bad config key refuses the rules, naming it', () => {
    const out = compileSigmaCollection(DOCS, sigmaCtx({ sigmaPresets: true, sigmaLogsources: { 'os:linux': { process: 'x' } } }));
    expect(out.rules).toEqual([]);
    expect(out.errors[0]?.message).toContain('logsource mapping "os:linux": keys are product:NAME');
  });

  const expandRule = {
    title: 'Logon By Administrators',
    id: '8c4c2a7e-1d2b-4c4d-9f3e-5a6b7c8d9e0f',
    logsource: { product: 'windows', service: 'security' },
    detection: { selection: { EventID: 4624, 'TargetUserName|expand': '%Administrators%' }, condition: 'selection' },
    level: 'medium',
  };

  test('|expand fills %name% from the named list; without a list the rule is refused with the reason', () => {
    const ok = compileSigmaCollection([{ file: 'x.yml', index: 0, doc: expandRule }], sigmaCtx({ sigmaPresets: true, sigmaPlaceholders: { Administrators: ['admin', 'root'] } }));
    expect(ok.errors).toEqual([]);
    const logon = (user: string) => norm(SHAPES.evtx!({ ...SECURITY, id: 4624, data: { TargetUserName: user } }));
    const r = ok.rules[0]!;
    expect(r.evaluate([logon('root')], null)).toHaveLength(1);
    expect(r.evaluate([logon('ADMIN')], null)).toHaveLength(1);
    expect(r.evaluate([logon('bob')], null)).toHaveLength(0);
    const missing = compileSigmaCollection([{ file: 'x.yml', index: 0, doc: expandRule }], sigmaCtx({ sigmaPresets: true }));
    expect(missing.errors[0]?.message).toContain('placeholder %Administrators% has no list: set detection.sigma.placeholders.Administrators');
  });
});

describe('the preset table, row by row', () => {
  const marker = { detection: { selection: { Marker: 'x' }, condition: 'selection' }, level: 'low' };
  const ruleFor = (logsource: Record<string, string>) => {
    const out = compileSigmaCollection([{ file: 'r.yml', index: 0, doc: { title: 'row', logsource, ...marker } }], sigmaCtx({ sigmaPresets: true }));
    expect(out.errors).toEqual([]);
    return out.rules[0]!;
  };
  const flat = (Channel: string, EventID: number) => norm({ EventID, Channel, Provider_Name: 'P', Computer: 'h', Marker: 'x' });
  const sees = (r: SigmaCompiledRule, e: NormalizedEvent) => r.evaluate([e], null).length === 1;

  test.each(Object.entries(SYSMON_CATEGORY_EVENTS))('category %s: Sysmon event id %s, no other id, no other channel', (category, ids) => {
    const r = ruleFor({ product: 'windows', category });
    expect(r.scope?.coverage).toBe('mapped');
    for (const id of [ids].flat()) {
      expect(sees(r, flat('Microsoft-Windows-Sysmon/Operational', id))).toBe(true);
      expect(sees(r, flat('Security', id))).toBe(category === 'process_creation' && id === 4688);
    }
    expect(sees(r, flat('Microsoft-Windows-Sysmon/Operational', 254))).toBe(false);
  });

  test.each(Object.entries(WINDOWS_SERVICE_CHANNELS))('service %s: its channel only', (service, channels) => {
    const r = ruleFor({ product: 'windows', service });
    for (const c of [channels].flat()) expect(sees(r, flat(c, 1))).toBe(true);
    expect(sees(r, flat('Some-Other/Operational', 1))).toBe(false);
    // Sysmon for Linux shares the shape, not the product.
    expect(sees(r, flat('Linux-Sysmon/Operational', 1))).toBe(false);
  });

  test.each([
    ['product:windows', { product: 'windows' }],
    ['product:linux,service:sshd', { product: 'linux', service: 'sshd' }],
    [' category:webserver , product:apache ', { category: 'webserver', product: 'apache' }],
    ['os:linux', null],
    ['product:linux,product:windows', null],
    ['product:', null],
    ['', null],
  ] as const)('parseLogsourceKey(%j)', (text, want) => {
    expect(parseLogsourceKey(text)).toEqual(want);
  });

  test('logsource parts compare case-insensitively', () => {
    expect(logsourceCovers({ product: 'Windows', category: 'Process_Creation' }, { product: 'windows', category: 'process_creation' })).toBe(true);
    expect(logsourceCovers({ product: 'windows' }, { product: 'windows', category: 'process_creation' })).toBe(false);
  });
});
