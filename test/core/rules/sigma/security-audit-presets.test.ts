// Sysmon categories read from the Security log: 4657 ("A registry value was modified") for
// registry_set / registry_event / registry_delete and 5156 ("The Windows Filtering Platform has
// permitted a connection") for network_connection, with the field names as Windows writes them
// (Microsoft's event documentation) under Sysmon's names, in every shape a shipper delivers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { normalizeMessage } from '../../../../src/core/normalize.js';
import { compileSigmaCollection } from '../../../../src/core/rules/sigma/collection.js';
import type { SigmaCompiledRule } from '../../../../src/core/rules/sigma/compile-rule.js';
import { sigmaCtx } from './sigma-kit.js';

const REG = fileURLToPath(new URL('../../../fixtures/sigma/sigmahq-regression/', import.meta.url));
const ctx = sigmaCtx({ sigmaPresets: true });
const source = { kind: 'kafka' as const, topic: 'winlogs', partition: 0, offset: '1' };

function rule(doc: unknown): SigmaCompiledRule {
  const out = compileSigmaCollection([{ file: 'r.yml', index: 0, doc }], ctx);
  expect(out.errors).toEqual([]);
  return out.rules[0]!;
}
const published = (name: string) => rule(parse(readFileSync(`${REG}${name}/rule.yml`, 'utf8')));
const inline = (category: string, selection: Record<string, unknown>) =>
  rule({ title: `t ${category}`, id: `00000000-0000-4000-8000-${category.length.toString().padStart(12, '0')}`, level: 'high', logsource: { product: 'windows', category }, detection: { selection, condition: 'selection' } });

const SHAPES = {
  evtx: (id: number, data: Record<string, unknown>) => ({
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}' } },
        EventID: id,
        Level: 0,
        TimeCreated: { '#attributes': { SystemTime: '2026-12-07T10:00:00.0000000Z' } },
        EventRecordID: 744725,
        Channel: 'Security',
        Computer: 'DC01.contoso.local',
      },
      EventData: { Data: Object.entries(data).map(([k, v]) => ({ '#attributes': { Name: k }, '#text': v })) },
    },
  }),
  winlogbeat: (id: number, data: Record<string, unknown>) => ({
    '@timestamp': '2026-12-07T10:00:00.000Z',
    winlog: { channel: 'Security', provider_name: 'Microsoft-Windows-Security-Auditing', event_id: String(id), computer_name: 'DC01.contoso.local', event_data: data },
  }),
  flat: (id: number, data: Record<string, unknown>) => ({ EventID: id, Channel: 'Security', Provider_Name: 'Microsoft-Windows-Security-Auditing', Computer: 'DC01.contoso.local', ...data }),
};

/** 4657 as Microsoft documents it (values as the evtx XML holds them: strings). */
const reg4657 = (over: Record<string, string>) => ({
  SubjectUserSid: 'S-1-5-21-3457937927-2839227994-823803824-1104',
  SubjectUserName: 'dadmin',
  SubjectDomainName: 'CONTOSO',
  SubjectLogonId: '0x364eb',
  ObjectName: '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System',
  ObjectValueName: 'EnableLUA',
  HandleId: '0x54',
  OperationType: '%%1905',
  OldValueType: '%%1876',
  OldValue: '1',
  NewValueType: '%%1876',
  NewValue: '0',
  ProcessId: '0xce4',
  ProcessName: 'C:\\Windows\\regedit.exe',
  ...over,
});

/** 5156 as Microsoft documents it. */
const wfp5156 = (over: Record<string, string>) => ({
  ProcessID: '4556',
  Application: '\\device\\harddiskvolume2\\windows\\system32\\notepad.exe',
  Direction: '%%14593',
  SourceAddress: '10.0.0.100',
  SourcePort: '49278',
  DestAddress: '203.0.113.10',
  DestPort: '4444',
  Protocol: '6',
  FilterRTID: '0',
  LayerName: '%%14611',
  LayerRTID: '48',
  RemoteUserID: 'S-1-0-0',
  RemoteMachineID: 'S-1-0-0',
  ...over,
});

const UAC = published('registry_set_uac_disable');
const PORTPROXY = published('registry_event_portproxy_registry_key');
const NOTEPAD = published('net_connection_win_notepad');

describe.each(Object.entries(SHAPES))('%s', (_shape, shape) => {
  const fires = (r: SigmaCompiledRule, id: number, data: Record<string, unknown>) => {
    const e = normalizeMessage(Buffer.from(JSON.stringify(shape(id, data))), { source, receivedAt: 0, maxBytes: 1 << 20 });
    return r.evaluate([e], r.initialState()).length === 1;
  };

  test.each([
    ['a DWORD set to 0 (modified)', reg4657({}), true],
    ['a DWORD set to 0 (created)', reg4657({ OperationType: '%%1904' }), true],
    ['the rendered OperationType', reg4657({ OperationType: 'Existing registry value modified' }), true],
    ['a DWORD set to 1', reg4657({ NewValue: '1' }), false],
    ['the value deleted', reg4657({ OperationType: '%%1906', NewValueType: '-', NewValue: '-' }), false],
    ['another value of the key', reg4657({ ObjectValueName: 'ConsentPromptBehaviorAdmin' }), false],
    ['a string "0"', reg4657({ NewValueType: '%%1873' }), false],
  ])('SigmaHQ registry_set UAC rule on 4657: %s', (_n, data, want) => {
    expect(fires(UAC, 4657, data)).toBe(want);
  });

  test('4657 under ControlSet001 matches a registry_event rule written for CurrentControlSet', () => {
    const data = reg4657({ ObjectName: '\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\PortProxy\\v4tov4\\tcp', ObjectValueName: '0.0.0.0/1337', OperationType: '%%1904', NewValueType: '%%1873', NewValue: '127.0.0.1/3389' });
    expect(fires(PORTPROXY, 4657, data)).toBe(true);
    expect(fires(inline('registry_event', { TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\PortProxy\\v4tov4\\tcp\\0.0.0.0/1337', Details: '127.0.0.1/3389', Image: 'C:\\Windows\\regedit.exe', User: 'CONTOSO\\dadmin' }), 4657, data)).toBe(true);
  });

  test('EventType is derived from OperationType; registry_delete takes deleted values only', () => {
    const del = inline('registry_delete', { EventType: 'DeleteValue', 'TargetObject|endswith': '\\Run\\evil' });
    const run = { ObjectName: '\\REGISTRY\\USER\\S-1-5-21-1-2-3-1001\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', ObjectValueName: 'evil' };
    expect(fires(del, 4657, reg4657({ ...run, OperationType: '%%1906', NewValueType: '-', NewValue: '-' }))).toBe(true);
    expect(fires(del, 4657, reg4657({ ...run, OperationType: '%%1905' }))).toBe(false);
    expect(fires(inline('registry_set', { EventType: 'SetValue', 'TargetObject|startswith': 'HKU\\S-1-5-21-' }), 4657, reg4657(run))).toBe(true);
  });

  test.each([
    ['notepad connecting out', wfp5156({}), true],
    ['notepad printing (port 9100, the rule\'s filter)', wfp5156({ DestPort: '9100' }), false],
    ['another program', wfp5156({ Application: '\\device\\harddiskvolume2\\windows\\system32\\svchost.exe' }), false],
  ])('SigmaHQ network_connection notepad rule on 5156: %s', (_n, data, want) => {
    expect(fires(NOTEPAD, 5156, data)).toBe(want);
  });

  test('5156: Direction reads as Initiated, Protocol as a word, the addresses under Sysmon names', () => {
    const r = inline('network_connection', { Initiated: 'true', Protocol: 'tcp', SourceIp: '10.0.0.100', DestinationIp: '203.0.113.10', DestinationPort: 4444, SourcePort: 49278, 'Image|endswith': '\\notepad.exe' });
    expect(fires(r, 5156, wfp5156({}))).toBe(true);
    expect(fires(r, 5156, wfp5156({ Direction: '%%14592' }))).toBe(false);
    expect(fires(r, 5156, wfp5156({ Protocol: '17' }))).toBe(false);
    expect(fires(inline('network_connection', { Initiated: 'false', Protocol: 'udp' }), 5156, wfp5156({ Direction: '%%14592', Protocol: '17' }))).toBe(true);
  });

  test('each event stays in its own category', () => {
    expect(fires(NOTEPAD, 4657, { ...reg4657({}), ProcessName: 'C:\\Windows\\System32\\notepad.exe' })).toBe(false);
    expect(fires(inline('registry_set', { 'Image|endswith': '\\notepad.exe' }), 5156, wfp5156({}))).toBe(false);
    // 5157 (blocked) is no connection made.
    expect(fires(NOTEPAD, 5157, wfp5156({}))).toBe(false);
  });
});

test('the categories read from the Security log are fully mapped', () => {
  for (const r of [UAC, PORTPROXY, NOTEPAD]) expect(r.scope?.coverage).toBe('mapped');
});
