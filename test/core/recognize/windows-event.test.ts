// Windows event log records in the JSON shapes shippers and converters write them — Winlogbeat 7
// and 8 (ECS), evtx_dump (the evtx crate), python-evtx through xmltodict, golang-evtx, NXLog's
// im_msvistalog with to_json(), and events already flattened to Sigma's names — all normalize to
// one form, and Sigma rules in SigmaHQ's format fire on every shape alike.
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { NormalizedEvent } from '../../../src/core/event.js';
import { normalizeMessage, normalizeMessageWithTrace } from '../../../src/core/normalize.js';
import { windowsShapeOf } from '../../../src/core/recognize/windows-event.js';
import { compileSigmaCollection } from '../../../src/core/rules/sigma/collection.js';
import { sigmaCtx } from '../rules/sigma/sigma-kit.js';

const R = Date.UTC(2026, 10, 21);
const source = { kind: 'kafka' as const, topic: 'winlogs', partition: 0, offset: '1' };
const norm = (o: unknown): NormalizedEvent => normalizeMessage(Buffer.from(JSON.stringify(o)), { source, receivedAt: R, maxBytes: 1 << 20 });
const parserOf = (o: unknown): string | null => normalizeMessageWithTrace(Buffer.from(JSON.stringify(o)), { source, receivedAt: R, maxBytes: 1 << 20 }).trace.parser;

const SECURITY = { provider: 'Microsoft-Windows-Security-Auditing', guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', channel: 'Security', level: 0 };
const SYSMON = { provider: 'Microsoft-Windows-Sysmon', guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', channel: 'Microsoft-Windows-Sysmon/Operational', level: 4 };

/** One event as Windows logged it: System values, EventData by name, the rendered message. */
interface WinSample {
  id: number;
  provider: string;
  guid: string;
  channel: string;
  level: number;
  task: number;
  computer: string;
  time: string;
  message: string;
  data: Record<string, string>;
}

const SAMPLES: Record<string, WinSample> = {
  logon: {
    ...SECURITY,
    id: 4624,
    task: 12544,
    computer: 'DC01.corp.example',
    time: '2026-11-20T10:16:03.1234567Z',
    message: 'An account was successfully logged on.',
    data: {
      SubjectUserSid: 'S-1-0-0',
      SubjectUserName: '-',
      SubjectDomainName: '-',
      SubjectLogonId: '0x0',
      TargetUserSid: 'S-1-5-21-3623811015-3361044348-30300820-1104',
      TargetUserName: 'alice',
      TargetDomainName: 'CORP',
      TargetLogonId: '0x8f2a1',
      LogonType: '3',
      LogonProcessName: 'NtLmSsp ',
      AuthenticationPackageName: 'NTLM',
      WorkstationName: 'WS-17',
      LogonGuid: '{00000000-0000-0000-0000-000000000000}',
      TransmittedServices: '-',
      LmPackageName: 'NTLM V2',
      KeyLength: '128',
      ProcessId: '0x0',
      ProcessName: '-',
      IpAddress: '10.1.2.3',
      IpPort: '50522',
      ImpersonationLevel: '%%1833',
      ElevatedToken: '%%1843',
    },
  },
  failed: {
    ...SECURITY,
    id: 4625,
    task: 12544,
    computer: 'DC01.corp.example',
    time: '2026-11-20T10:16:03.5000000Z',
    message: 'An account failed to log on.',
    data: {
      SubjectUserSid: 'S-1-0-0',
      SubjectUserName: '-',
      SubjectDomainName: '-',
      SubjectLogonId: '0x0',
      TargetUserSid: 'S-1-0-0',
      TargetUserName: 'Administrator',
      TargetDomainName: 'CORP',
      Status: '0xc000006d',
      FailureReason: '%%2313',
      SubStatus: '0xc000006a',
      LogonType: '3',
      LogonProcessName: 'NtLmSsp ',
      AuthenticationPackageName: 'NTLM',
      WorkstationName: 'KALI',
      TransmittedServices: '-',
      LmPackageName: '-',
      KeyLength: '0',
      ProcessId: '0x0',
      ProcessName: '-',
      IpAddress: '203.0.113.50',
      IpPort: '40022',
    },
  },
  process4688: {
    ...SECURITY,
    id: 4688,
    task: 13312,
    computer: 'WS-17.corp.example',
    time: '2026-11-20T10:16:03.2500000Z',
    message: 'A new process has been created.',
    data: {
      SubjectUserSid: 'S-1-5-21-3623811015-3361044348-30300820-1104',
      SubjectUserName: 'alice',
      SubjectDomainName: 'CORP',
      SubjectLogonId: '0x8f2a1',
      NewProcessId: '0x1b2c',
      NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
      TokenElevationType: '%%1938',
      ProcessId: '0x1a0c',
      CommandLine: 'whoami /priv',
      TargetUserSid: 'S-1-0-0',
      TargetUserName: '-',
      TargetDomainName: '-',
      TargetLogonId: '0x0',
      ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
      MandatoryLabel: 'S-1-16-8192',
    },
  },
  sysmon1: {
    ...SYSMON,
    id: 1,
    task: 1,
    computer: 'WS-17.corp.example',
    time: '2026-11-20T10:16:03.1260000Z',
    message: 'Process Create:\r\nRuleName: -\r\nUtcTime: 2026-11-20 10:16:03.120\r\nImage: C:\\Windows\\System32\\whoami.exe',
    data: {
      RuleName: '-',
      UtcTime: '2026-11-20 10:16:03.120',
      ProcessGuid: '{b2796a13-e44f-5880-0000-00100a6b1c00}',
      ProcessId: '6924',
      Image: 'C:\\Windows\\System32\\whoami.exe',
      FileVersion: '10.0.19041.1 (WinBuild.160101.0800)',
      Description: 'whoami - displays logged on user information',
      Product: 'Microsoft® Windows® Operating System',
      Company: 'Microsoft Corporation',
      OriginalFileName: 'whoami.exe',
      CommandLine: 'whoami /priv',
      CurrentDirectory: 'C:\\Users\\alice\\',
      User: 'CORP\\alice',
      LogonGuid: '{b2796a13-e44f-5880-0000-0020a1f20800}',
      LogonId: '0x8f2a1',
      TerminalSessionId: '1',
      IntegrityLevel: 'Medium',
      Hashes: 'SHA256=1D5491E3C468EE4B4EF6EDFF4BBC7D06EE83180F6F0B1576763EA2EFE049493A',
      ParentProcessGuid: '{b2796a13-e44f-5880-0000-0010e1e11c00}',
      ParentProcessId: '5012',
      ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      ParentCommandLine: '"C:\\Windows\\system32\\cmd.exe" ',
      ParentUser: 'CORP\\alice',
    },
  },
};

const XMLNS = 'http://schemas.microsoft.com/win/2004/08/events/event';
const KEYWORDS = '0x8020000000000000';

/** The shapes, written as each tool writes them. */
const SHAPES: Record<string, (s: WinSample) => unknown> = {
  // evtx_dump -o jsonl (the evtx crate): typed values, attributes under #attributes, EventData a map.
  'evtx crate': (s) => ({
    Event: {
      '#attributes': { xmlns: XMLNS },
      System: {
        Provider: { '#attributes': { Name: s.provider, Guid: s.guid } },
        EventID: s.id,
        Version: 2,
        Level: s.level,
        Task: s.task,
        Opcode: 0,
        Keywords: KEYWORDS,
        TimeCreated: { '#attributes': { SystemTime: s.time } },
        EventRecordID: 48213,
        Correlation: { '#attributes': { ActivityID: '{6c9a8b44-1d2e-0001-5e8c-9a6c2e1dd901}' } },
        Execution: { '#attributes': { ProcessID: 636, ThreadID: 1012 } },
        Channel: s.channel,
        Computer: s.computer,
        Security: null,
      },
      EventData: { ...s.data, ...(s.data.LogonType === undefined ? {} : { LogonType: Number(s.data.LogonType) }) },
    },
  }),
  // The same converter's form of Data elements and of an EventID with Qualifiers.
  'evtx #attributes Data array': (s) => ({
    Event: {
      '#attributes': { xmlns: XMLNS },
      System: {
        Provider: { '#attributes': { Name: s.provider, Guid: s.guid } },
        EventID: { '#attributes': { Qualifiers: 0 }, '#text': String(s.id) },
        Level: s.level,
        TimeCreated: { '#attributes': { SystemTime: s.time } },
        EventRecordID: 48213,
        Channel: s.channel,
        Computer: s.computer,
      },
      EventData: { Data: Object.entries(s.data).map(([Name, text]) => ({ '#attributes': { Name }, '#text': text })) },
    },
  }),
  // python-evtx's XML through xmltodict: @attributes, every value a string.
  'python-evtx xmltodict': (s) => ({
    Event: {
      '@xmlns': XMLNS,
      System: {
        Provider: { '@Name': s.provider, '@Guid': s.guid },
        EventID: { '@Qualifiers': '', '#text': String(s.id) },
        Version: '2',
        Level: String(s.level),
        Task: String(s.task),
        TimeCreated: { '@SystemTime': s.time.replace('T', ' ').replace(/\dZ$/, '') },
        EventRecordID: '48213',
        Execution: { '@ProcessID': '636', '@ThreadID': '1012' },
        Channel: s.channel,
        Computer: s.computer,
        Security: null,
      },
      EventData: { Data: Object.entries(s.data).map(([k, v]) => ({ '@Name': k, '#text': v })) },
    },
  }),
  // golang-evtx's evtxdump: attributes as plain keys, strings.
  'golang-evtx': (s) => ({
    Event: {
      EventData: s.data,
      System: {
        Channel: s.channel,
        Computer: s.computer,
        Correlation: {},
        EventID: String(s.id),
        EventRecordID: '48213',
        Execution: { ProcessID: '636', ThreadID: '1012' },
        Keywords: KEYWORDS,
        Level: String(s.level),
        Provider: { Guid: s.guid, Name: s.provider },
        Security: { UserID: 'S-1-5-18' },
        Task: String(s.task),
        TimeCreated: { SystemTime: s.time.replace(/\.\d+Z$/, 'Z') },
        Version: '2',
      },
    },
  }),
  // Winlogbeat 8: event_id a string, the ECS part around it.
  'Winlogbeat 8': (s) => ({
    '@timestamp': s.time.replace(/(\.\d{3})\d+Z$/, '$1Z'),
    agent: { type: 'winlogbeat', version: '8.11.0', name: 'WS-17', id: '4c1b1a4e-6f6d-4b8e-9d0e-1b2d3c4e5f60' },
    ecs: { version: '8.0.0' },
    host: { name: 'collector-1' },
    log: { level: 'information' },
    event: { code: String(s.id), provider: s.provider, kind: 'event', created: '2026-11-20T10:16:04.001Z', original: `<Event xmlns='${XMLNS}'><System><EventID>${s.id}</EventID></System></Event>` },
    message: s.message,
    winlog: {
      api: 'wineventlog',
      channel: s.channel,
      event_id: String(s.id),
      provider_name: s.provider,
      provider_guid: s.guid,
      computer_name: s.computer,
      record_id: 48213,
      task: 'Logon',
      opcode: 'Info',
      keywords: ['Audit Success'],
      process: { pid: 636, thread: { id: 1012 } },
      event_data: s.data,
    },
  }),
  // Winlogbeat 7: event_id a number.
  'Winlogbeat 7': (s) => ({
    '@timestamp': s.time.replace(/(\.\d{3})\d+Z$/, '$1Z'),
    agent: { type: 'winlogbeat', version: '7.17.0' },
    ecs: { version: '1.12.0' },
    host: { name: s.computer.split('.')[0] },
    log: { level: 'information' },
    message: s.message,
    winlog: { channel: s.channel, event_id: s.id, provider_name: s.provider, computer_name: s.computer, record_id: 48213, event_data: s.data },
  }),
  // NXLog im_msvistalog + to_json(): flat, EventData fields beside its own.
  NXLog: (s) => ({
    EventTime: s.time.slice(0, 19).replace('T', ' '),
    Hostname: s.computer,
    Keywords: -9214364837600034816,
    EventType: s.level === 0 ? 'AUDIT_SUCCESS' : 'INFO',
    SeverityValue: 2,
    Severity: 'INFO',
    EventID: s.id,
    SourceName: s.provider,
    ProviderGuid: s.guid,
    Version: 2,
    Task: s.task,
    OpcodeValue: 0,
    RecordNumber: 48213,
    ProcessID: 636,
    ThreadID: 1012,
    Channel: s.channel,
    Message: s.message,
    Opcode: 'Info',
    ...s.data,
    EventReceivedTime: '2026-11-20 10:16:04',
    SourceModuleName: 'eventlog',
    SourceModuleType: 'im_msvistalog',
  }),
  // Already flat, in Sigma's names (as SigmaHQ's samples are flattened by hand).
  flat: (s) => ({ EventID: s.id, Channel: s.channel, Provider_Name: s.provider, Computer: s.computer, Level: s.level, '@timestamp': s.time, ...s.data }),
};

const SHAPE_PARSER: Record<string, string> = {
  'evtx crate': 'json>windows>evtx',
  'evtx #attributes Data array': 'json>windows>evtx',
  'python-evtx xmltodict': 'json>windows>evtx',
  'golang-evtx': 'json>windows>evtx',
  'Winlogbeat 8': 'json>windows>winlogbeat',
  'Winlogbeat 7': 'json>windows>winlogbeat',
  NXLog: 'json>windows>nxlog',
  flat: 'json>windows>flat',
};

/** What every shape of a sample must normalize to. */
const EXPECTED: Record<string, { host: string; process: string; pid: number | null; user: string | null; src_ip: string | null; src_port: number | null; fields: Record<string, unknown> }> = {
  logon: {
    host: 'dc01.corp.example',
    process: 'Microsoft-Windows-Security-Auditing',
    pid: null,
    user: 'alice',
    src_ip: '10.1.2.3',
    src_port: 50522,
    fields: { TargetUserName: 'alice', TargetDomainName: 'CORP', WorkstationName: 'WS-17', AuthenticationPackageName: 'NTLM' },
  },
  failed: {
    host: 'dc01.corp.example',
    process: 'Microsoft-Windows-Security-Auditing',
    pid: null,
    user: 'Administrator',
    src_ip: '203.0.113.50',
    src_port: 40022,
    fields: { TargetUserName: 'Administrator', Status: '0xc000006d', SubStatus: '0xc000006a', WorkstationName: 'KALI' },
  },
  process4688: {
    host: 'ws-17.corp.example',
    process: 'C:\\Windows\\System32\\whoami.exe',
    pid: 0x1b2c,
    user: 'alice',
    src_ip: null,
    src_port: null,
    fields: { NewProcessName: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /priv', ParentProcessName: 'C:\\Windows\\System32\\cmd.exe' },
  },
  sysmon1: {
    host: 'ws-17.corp.example',
    process: 'C:\\Windows\\System32\\whoami.exe',
    pid: 6924,
    user: 'CORP\\alice',
    src_ip: null,
    src_port: null,
    fields: { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /priv', ParentImage: 'C:\\Windows\\System32\\cmd.exe', OriginalFileName: 'whoami.exe', Hashes: expect.stringMatching(/^SHA256=/) },
  },
};

const CASES = Object.keys(SAMPLES).flatMap((sample) => Object.keys(SHAPES).map((shape) => [sample, shape] as const));

describe('every shape of every sample normalizes to the same event', () => {
  test.each(CASES)('%s as %s', (sample, shape) => {
    const s = SAMPLES[sample]!;
    const input = SHAPES[shape]!(s);
    const e = norm(input);
    const want = EXPECTED[sample]!;
    expect(e.parse_error).toBeNull();
    expect(parserOf(input)).toBe(SHAPE_PARSER[shape]);
    expect(e.ts_fallback).toBe(false);
    expect(Math.floor(e.ts / 1000)).toBe(Math.floor(Date.parse(s.time.replace(/(\.\d{3})\d+Z$/, '$1Z')) / 1000));
    expect(e.host).toBe(want.host);
    expect(e.level).toBe(6);
    expect(e.process).toBe(want.process);
    expect(e.pid).toBe(want.pid);
    expect(e.user).toBe(want.user);
    expect(e.src_ip).toBe(want.src_ip);
    expect(e.src_port).toBe(want.src_port);
    expect(e.attributes).toMatchObject({ EventID: s.id, Channel: s.channel, Provider_Name: s.provider, Computer: s.computer, ...want.fields });
    expect(typeof e.attributes.EventID).toBe('number');
    // Every EventData field is there by its name (as the shape typed it).
    for (const [k, v] of Object.entries(s.data)) expect(String(e.attributes[k]), k).toBe(v);
    // No second copy of the nested original.
    expect(e.attributes.Event).toBeUndefined();
    expect((e.attributes.winlog as Record<string, unknown> | undefined)?.event_data).toBeUndefined();
  });

  test.each([
    ['Winlogbeat', SHAPES['Winlogbeat 8']!(SAMPLES.failed!), 'An account failed to log on.'],
    ['NXLog', SHAPES.NXLog!(SAMPLES.failed!), 'An account failed to log on.'],
    ['evtx (no rendered message)', SHAPES['evtx crate']!(SAMPLES.failed!), 'Windows event 4625 from Microsoft-Windows-Security-Auditing (Security)'],
    ['flat (no rendered message)', SHAPES.flat!(SAMPLES.sysmon1!), 'Windows event 1 from Microsoft-Windows-Sysmon (Microsoft-Windows-Sysmon/Operational)'],
  ])('message: %s', (_n, input, message) => {
    const e = norm(input);
    expect(e.message).toBe(message);
    expect(e.attributes.Message).toBeUndefined();
  });

  test('what is not flattened stays, under its own path; the XML copy of Winlogbeat is not stored again', () => {
    const wb = norm(SHAPES['Winlogbeat 8']!(SAMPLES.logon!));
    expect(wb.attributes).toMatchObject({
      agent: { type: 'winlogbeat' },
      winlog: { api: 'wineventlog', process: { pid: 636, thread: { id: 1012 } } },
      event: { code: '4624', kind: 'event' },
      EventRecordID: 48213,
      Task: 'Logon',
      Keywords: ['Audit Success'],
    });
    expect((wb.attributes.event as Record<string, unknown>).original).toBeUndefined();
    expect(wb.raw).toContain('<Event xmlns');
    const ev = norm(SHAPES['evtx crate']!(SAMPLES.logon!));
    expect(ev.attributes).toMatchObject({ Level: 0, EventRecordID: 48213, Execution_ProcessID: 636, Execution_ThreadID: 1012, Correlation_ActivityID: expect.any(String), Provider_Guid: SECURITY.guid, Keywords: KEYWORDS, Task: 12544 });
    expect(ev.attributes.xmlns).toBeUndefined();
    const q = norm(SHAPES['evtx #attributes Data array']!(SAMPLES.failed!));
    expect(q.attributes.EventID_Qualifiers).toBe(0);
    const nx = norm(SHAPES.NXLog!(SAMPLES.sysmon1!));
    expect(nx.attributes).toMatchObject({ ProcessID: 636, ProcessId: '6924', SourceName: 'Microsoft-Windows-Sysmon', SourceModuleType: 'im_msvistalog', Hostname: 'WS-17.corp.example' });
  });
});

describe('edges', () => {
  test.each<[string, Record<string, unknown>, string | null]>([
    // not Windows: three lookups say no
    ['plain app JSON', { level: 'info', msg: 'x' }, null],
    ['ECS without winlog', { '@timestamp': '2026-11-20T10:16:03Z', message: 'x', ecs: { version: '8' } }, null],
    ['winlog that is a string', { winlog: 'x', message: 'y' }, null],
    ['winlog without event_id or channel', { winlog: { api: 'x' } }, null],
    ['Event that is a string', { Event: 'deploy', EventID: 4 }, null],
    ['Event without System', { Event: { EventData: {} } }, null],
    ['EventID alone', { EventID: 4624, msg: 'x' }, null],
    ['EventID with SourceName but neither Hostname nor EventTime', { EventID: 1, SourceName: 'x' }, null],
    // Windows
    ['winlog with channel only', { winlog: { channel: 'Security' } }, 'winlogbeat'],
    ['Event.System', { Event: { System: {} } }, 'evtx'],
    ['NXLog', { EventID: 7036, SourceName: 'Service Control Manager', Hostname: 'h' }, 'nxlog'],
    ['flat with Provider_Name', { EventID: '4104', Provider_Name: 'Microsoft-Windows-PowerShell' }, 'flat'],
  ])('windowsShapeOf: %s', (_n, o, shape) => {
    expect(windowsShapeOf(o)).toBe(shape);
  });

  test.each<[string, unknown, Partial<NormalizedEvent>, Record<string, unknown>]>([
    [
      'classic EventID with Qualifiers (golang-evtx Value form), unnamed Data as param1…',
      { Event: { System: { EventID: { Qualifiers: '16384', Value: '7036' }, Provider: { Name: 'Service Control Manager' }, Channel: 'System', Computer: 'srv1', Level: '4', TimeCreated: { SystemTime: '2026-11-20T10:16:03Z' } }, EventData: { Data: ['Windows Update', 'running'], Binary: null } } },
      { process: 'Service Control Manager', host: 'srv1', level: 6 },
      { EventID: 7036, EventID_Qualifiers: '16384', param1: 'Windows Update', param2: 'running', Binary: null },
    ],
    [
      'one Data element (xmltodict gives an object, not an array); an empty one is null',
      { Event: { System: { EventID: '4104', Channel: 'Microsoft-Windows-PowerShell/Operational', Level: '5' }, EventData: { Data: { '@Name': 'ScriptBlockText', '#text': 'Get-Process' } } } },
      { level: 7, process: null },
      { EventID: 4104, ScriptBlockText: 'Get-Process' },
    ],
    [
      'UserData (1102 log cleared) by field name',
      { Event: { System: { EventID: 1102, Channel: 'Security', Provider: { '#attributes': { Name: 'Microsoft-Windows-Eventlog' } }, Level: 4 }, UserData: { LogFileCleared: { '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }, SubjectUserSid: 'S-1-5-21-1', SubjectUserName: 'bob', SubjectDomainName: 'CORP' } } } },
      { user: 'bob', process: 'Microsoft-Windows-Eventlog' },
      { EventID: 1102, SubjectUserName: 'bob', SubjectDomainName: 'CORP' },
    ],
    [
      'Winlogbeat user_data',
      { winlog: { event_id: 1102, channel: 'Security', provider_name: 'Microsoft-Windows-Eventlog', user_data: { xml_name: 'LogFileCleared', SubjectUserName: 'bob' } } },
      { user: 'bob' },
      { EventID: 1102, SubjectUserName: 'bob', xml_name: 'LogFileCleared' },
    ],
    [
      'Level 2 (error), 3 (warning), 1 (critical) map to syslog 3, 4, 2',
      { EventID: 7031, Channel: 'System', Provider_Name: 'Service Control Manager', Level: 2 },
      { level: 3 },
      { EventID: 7031 },
    ],
    [
      'an EventID that is no number stays as it came, and nothing breaks',
      { EventID: 'n/a', Channel: 'Application' },
      { process: null, message: 'Windows event ? (Application)' },
      { Channel: 'Application', EventID: 'n/a' },
    ],
    [
      'IpAddress "-" and IpPort "0" mean none; a "::ffff:" address is kept',
      { EventID: 4625, Channel: 'Security', TargetUserName: 'x', IpAddress: '-', IpPort: '0' },
      { src_ip: null, src_port: null, user: 'x' },
      { IpAddress: '-', IpPort: '0' },
    ],
    [
      'a key named __proto__ in EventData stays data',
      { Event: { System: { EventID: 1, Channel: 'c' }, EventData: JSON.parse('{"__proto__": {"polluted": 1}, "A": "b"}') } },
      {},
      { A: 'b' },
    ],
  ])('%s', (_n, input, fields, attributes) => {
    const e = norm(input);
    expect(e.parse_error).toBeNull();
    expect(e).toMatchObject(fields);
    expect(e.attributes).toMatchObject(attributes);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('Level 3 and 1', () => {
    expect(norm({ EventID: 1, Channel: 'c', Level: 3 }).level).toBe(4);
    expect(norm({ EventID: 1, Channel: 'c', Level: 1 }).level).toBe(2);
    expect(norm({ EventID: 1, Channel: 'c', Level: 0 }).level).toBe(6);
  });
});

// Rules in SigmaHQ's published format (their own ids here), with no field mapping set up.
const RULES = `
title: Failed NTLM Logon Of An Admin Account From Outside
id: 0b7a2f2e-6a5c-4c59-9d3f-6f1e2d8a4c11
status: test
description: A network logon of an administrator account failed, from an address outside the private ranges (as win_security_susp_failed_logons_single_source looks at 4625 failures by source).
references:
  - https://learn.microsoft.com/en-us/windows/security/threat-protection/auditing/event-4625
author: logagg tests
date: 2026-11-20
tags:
  - attack.credential-access
  - attack.t1110
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
    LogonType: 3
    TargetUserName|endswith: 'istrator'
  filter_main_private:
    IpAddress|cidr:
      - '10.0.0.0/8'
      - '172.16.0.0/12'
      - '192.168.0.0/16'
      - '127.0.0.0/8'
  condition: selection and not 1 of filter_main_*
falsepositives:
  - Administrators mistyping their password over VPN
level: medium
---
title: Whoami Privilege Enumeration
id: 97a80ec7-0e2f-4d05-9ef4-65760e634f6b
status: test
description: whoami.exe run with /priv, from Sysmon process creation or Security 4688 (as SigmaHQ's proc_creation_win_whoami_priv).
author: logagg tests
date: 2026-11-20
tags:
  - attack.privilege-escalation
  - attack.discovery
  - attack.t1033
logsource:
  category: process_creation
  product: windows
detection:
  selection_img:
    - Image|endswith: '\\whoami.exe'
    - OriginalFileName: 'whoami.exe'
    - NewProcessName|endswith: '\\whoami.exe'
  selection_cli:
    CommandLine|contains:
      - ' /priv'
      - ' -priv'
  condition: all of selection_*
falsepositives:
  - Unknown
level: high
---
title: Network Logon Of A Watched Account
id: 5d3c1e0f-2b8a-4f7e-9c61-0a2b3c4d5e6f
status: test
author: logagg tests
date: 2026-11-20
logsource:
  product: windows
  service: security
detection:
  selection:
    Channel: Security
    Provider_Name: Microsoft-Windows-Security-Auditing
    EventID: 4624
    LogonType: 3
    TargetUserName: alice
    Computer|startswith: 'DC01'
  condition: selection
level: low
`;

describe('Sigma rules in SigmaHQ format fire on every shape alike', () => {
  const docs = parseAllDocuments(RULES).map((d, index) => ({ file: 'win.yml', index, doc: d.toJS() }));
  const loaded = compileSigmaCollection(docs, sigmaCtx());
  const rule = (title: string) => loaded.rules.find((r) => r.meta.name === title)!;

  /** Which of the events the rule finds, each event evaluated on its own (hosts stay as decoded: Computer reads them). */
  function fired(title: string, events: NormalizedEvent[]): number[] {
    const r = rule(title);
    return events.flatMap((e, i) => (r.evaluate([e], r.initialState()).length > 0 ? [i] : []));
  }

  const shapes = Object.keys(SHAPES);
  const all = (sample: string) => shapes.map((shape) => norm(SHAPES[shape]!(SAMPLES[sample]!)));
  const batch = [...all('logon'), ...all('failed'), ...all('process4688'), ...all('sysmon1')];
  const n = shapes.length;
  const range = (from: number) => Array.from({ length: n }, (_, i) => from + i);

  test('the rules load', () => {
    expect(loaded.errors).toEqual([]);
    expect(loaded.rules).toHaveLength(3);
  });

  test.each([
    ['Failed NTLM Logon Of An Admin Account From Outside', range(n)],
    ['Whoami Privilege Enumeration', [...range(2 * n), ...range(3 * n)]],
    ['Network Logon Of A Watched Account', range(0)],
  ])('%s: fires on exactly its events, in every shape', (title, want) => {
    expect(fired(title, batch)).toEqual(want);
  });

  test('near misses stay quiet: a failure from a private address, a plain whoami', () => {
    const fromInside = { ...SAMPLES.failed!, data: { ...SAMPLES.failed!.data, IpAddress: '10.9.9.9' } };
    const plain = { ...SAMPLES.sysmon1!, data: { ...SAMPLES.sysmon1!.data, CommandLine: 'whoami' } };
    const quiet = shapes.flatMap((shape) => [norm(SHAPES[shape]!(fromInside)), norm(SHAPES[shape]!(plain))]);
    expect(fired('Failed NTLM Logon Of An Admin Account From Outside', quiet)).toEqual([]);
    expect(fired('Whoami Privilege Enumeration', quiet)).toEqual([]);
  });
});

describe('the program and process id of Security events that name them their own way', () => {
  const flat = (id: number, data: Record<string, string>) => norm({ EventID: id, Channel: 'Security', Provider_Name: 'Microsoft-Windows-Security-Auditing', Computer: 'dc01', ...data });
  test.each([
    ['5156: Application (a device path), ProcessID in decimal', 5156, { ProcessID: '4556', Application: '\\device\\harddiskvolume2\\documents\\listener.exe', DestAddress: '10.0.0.10', DestPort: '3333' }, '\\device\\harddiskvolume2\\documents\\listener.exe', 4556],
    ['4657: ProcessName, ProcessId in hex', 4657, { ProcessId: '0xce4', ProcessName: 'C:\\Windows\\regedit.exe', ObjectName: '\\REGISTRY\\MACHINE' }, 'C:\\Windows\\regedit.exe', 0xce4],
    ['a logon: ProcessId 0x0 is none', 4624, { ProcessId: '0x0', ProcessName: '-', TargetUserName: 'bob' }, 'Microsoft-Windows-Security-Auditing', null],
  ])('%s', (_n, id, data, process, pid) => {
    const e = flat(id, data);
    expect(e.process).toBe(process);
    expect(e.pid).toBe(pid);
  });
});

test('data names with blanks (Windows Defender) are read without them, as SigmaHQ\'s rules write them', () => {
  const data = { 'Product Name': 'Microsoft Defender Antivirus', 'New Value': 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths\\C:\\x = 0x0', 'Old Value': '' };
  for (const e of [
    norm({ Event: { System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Windows Defender' } }, EventID: 5007, Channel: 'Microsoft-Windows-Windows Defender/Operational', Computer: 'pc1' }, EventData: data } }),
    norm({ winlog: { event_id: '5007', channel: 'Microsoft-Windows-Windows Defender/Operational', provider_name: 'Microsoft-Windows-Windows Defender', event_data: data } }),
  ]) {
    expect(e.attributes).toMatchObject({ ProductName: 'Microsoft Defender Antivirus', NewValue: data['New Value'], OldValue: '' });
    expect(e.attributes['New Value']).toBeUndefined();
  }
  // A name taken already stays as it came.
  const taken = norm({ EventID: 1, Channel: 'X', NewValue: 'a', 'New Value': 'b' });
  expect(taken.attributes).toMatchObject({ NewValue: 'a', 'New Value': 'b' });
});
