import { describe, expect, test } from 'vitest';
import { decodeCefPayload, isCefStart, parseExtension } from '../../../src/core/decode/cef.js';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';

const R = Date.UTC(2024, 0, 2);

function decode(text: string, draft = newDraft('cef')): { d: Draft; error: string | null } {
  return { d: draft, error: decodeCefPayload(text, draft, { receivedAt: R }) };
}

describe('header', () => {
  test('the ArcSight example', () => {
    const { d, error } = decode('CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232');
    expect(error).toBeNull();
    expect(d).toMatchObject({
      format: 'cef',
      level: 2,
      message: 'worm successfully stopped',
      src_ip: '10.0.0.1',
      dst_ip: '2.1.2.2',
      src_port: 1232,
      threats: [{ name: 'worm successfully stopped', severity: 'CRITICAL', tags: [], origin: 'message' }],
      attributes: {
        cef: { version: '0', device_vendor: 'Security', device_product: 'threatmanager', device_version: '1.0', signature_id: '100', name: 'worm successfully stopped', severity: '10' },
      },
    });
  });

  test('escaped pipes and backslashes in the header', () => {
    const { d } = decode('CEF:0|Ven\\|dor|Pro\\\\duct|1|sig\\|1|Name with \\| pipe|3|');
    expect(d.attributes.cef).toMatchObject({ device_vendor: 'Ven|dor', device_product: 'Pro\\duct', signature_id: 'sig|1', name: 'Name with | pipe' });
    expect(d.threats[0]?.name).toBe('Name with | pipe');
  });

  test.each([
    ['0', 'LOW', 5], ['3', 'LOW', 5], ['4', 'MEDIUM', 4], ['6', 'MEDIUM', 4], ['7', 'HIGH', 3], ['8', 'HIGH', 3], ['9', 'CRITICAL', 2], ['10', 'CRITICAL', 2],
    ['Low', 'LOW', 5], ['Medium', 'MEDIUM', 4], ['High', 'HIGH', 3], ['Very-High', 'CRITICAL', 2], [' 7 ', 'HIGH', 3],
  ])('severity %j → %s, level %i', (sev, severity, level) => {
    const { d } = decode(`CEF:0|V|P|1|s|N|${sev}|`);
    expect(d.threats[0]?.severity).toBe(severity);
    expect(d.level).toBe(level);
  });

  test.each(['11', 'Unknown', '', 'x'])('severity %j: threat MEDIUM, no level', (sev) => {
    const { d } = decode(`CEF:0|V|P|1|s|N|${sev}|`);
    expect(d.threats[0]?.severity).toBe('MEDIUM');
    expect(d.level).toBeNull();
    expect((d.attributes.cef as Record<string, unknown>).severity).toBe(sev);
  });

  test.each([
    ['CEF:0|V|P|1|s|N', 5],
    ['CEF:0|V|P|1|s|N|5', 6],
    ['CEF:0|V\\|P|1|s|N|5', 5],
    ['CEF:', 0],
  ])('%j: too few separators', (text, found) => {
    const { d, error } = decode(text);
    expect(error).toBe(`cef: expected 7 '|' separators in the header, found ${found}`);
    expect(d.threats).toEqual([]);
  });

  test('empty name → threat "unnamed", message from msg', () => {
    const { d } = decode('CEF:0|V|P|1|s||5|msg=hello');
    expect(d.threats[0]?.name).toBe('unnamed');
    expect(d.message).toBe('hello');
  });
});

describe('extension', () => {
  test.each<[string, Record<string, string>]>([
    ['', {}],
    ['   ', {}],
    ['a=1', { a: '1' }],
    ['msg=hello world with spaces act=blocked', { msg: 'hello world with spaces', act: 'blocked' }],
    ['a=x\\=y b=2', { a: 'x=y', b: '2' }],
    ['a=back\\\\slash b=2', { a: 'back\\slash', b: '2' }],
    ['a=line1\\nline2\\rend', { a: 'line1\nline2\rend' }],
    ['a=pipe\\|ok', { a: 'pipe|ok' }],
    ['a=unknown\\qescape', { a: 'unknown\\qescape' }],
    ['request=http://x/?q=1&r=2 b=3', { request: 'http://x/?q=1&r=2', b: '3' }],
    ['a=trailing   b=2  ', { a: 'trailing', b: '2' }],
    ['a= b=2', { a: '', b: '2' }],
    ['a=1 a=2', { a: '2' }],
    ['garbage first a=1', { _unparsed: 'garbage first', a: '1' }],
    ['no pairs here', { _unparsed: 'no pairs here' }],
    ['cs1Label=Rule cs1=Block all ad.custom_key-1=v', { cs1Label: 'Rule', cs1: 'Block all', 'ad.custom_key-1': 'v' }],
    ['x=\\', { x: '\\' }],
  ])('%j', (ext, expected) => {
    expect(Object.fromEntries(parseExtension(ext, 0))).toEqual(expected);
  });
});

describe('extension keys to event fields', () => {
  test('standard keys', () => {
    const { d } = decode(
      'CEF:0|V|P|1|s|Malware found|8|src=10.0.0.1 dst=::1 spt=1234 dpt=443 suser=alice duser=bob sproc=evil.exe spid=321 ' +
        `fileHash=${'AB'.repeat(32)} fname=evil.exe act=quarantined rt=1704110400000 dvchost=EDR-01 msg=Detected requestUrl=https://Bad.Example.com/x`,
    );
    expect(d).toMatchObject({
      ts: Date.UTC(2024, 0, 1, 12),
      host: 'edr-01',
      src_ip: '10.0.0.1',
      dst_ip: '::1',
      src_port: 1234,
      dst_port: 443,
      user: 'alice',
      process: 'evil.exe',
      pid: 321,
      file_hash: 'ab'.repeat(32),
      domain: 'bad.example.com',
      message: 'Malware found: Detected',
    });
    expect(d.attributes).toMatchObject({ duser: 'bob', fname: 'evil.exe', act: 'quarantined', requestUrl: 'https://Bad.Example.com/x' });
    for (const k of ['src', 'dst', 'spt', 'dpt', 'suser', 'sproc', 'spid', 'fileHash', 'rt', 'dvchost', 'msg']) expect(d.attributes).not.toHaveProperty(k);
  });

  test.each([
    ['rt=Jan 01 2024 12:00:00', Date.UTC(2024, 0, 1, 12)],
    ['rt=Jan 01 2024 12:00:00.250 UTC', Date.UTC(2024, 0, 1, 12, 0, 0, 250)],
    ['rt=Jan 01 12:00:00', Date.UTC(2024, 0, 1, 12)],
    ['rt=1704110400000', Date.UTC(2024, 0, 1, 12)],
  ])('%s', (ext, ts) => {
    expect(decode(`CEF:0|V|P|1|s|N|1|${ext}`).d.ts).toBe(ts);
  });

  test('unparseable rt stays in attributes', () => {
    const { d } = decode('CEF:0|V|P|1|s|N|1|rt=whenever');
    expect(d.ts).toBeNull();
    expect(d.attributes.rt).toBe('whenever');
  });

  test('values unfit for their field stay', () => {
    const { d } = decode('CEF:0|V|P|1|s|N|1|src=not-ip spt=99999 fileHash=zz spid=x');
    expect(d).toMatchObject({ src_ip: null, src_port: null, file_hash: null, pid: null });
    expect(d.attributes).toMatchObject({ src: 'not-ip', spt: '99999', fileHash: 'zz', spid: 'x' });
  });

  test('duser and dproc when no suser/sproc', () => {
    const { d } = decode('CEF:0|V|P|1|s|N|1|duser=bob dproc=svchost.exe');
    expect(d).toMatchObject({ user: 'bob', process: 'svchost.exe' });
  });

  test('host precedence: dvchost over the syslog host (kept as syslog_host), dvc only without either', () => {
    const withHeader = newDraft('syslog3164');
    withHeader.host = 'relay';
    expect(decode('CEF:0|V|P|1|s|N|1|dvchost=fw dvc=10.0.0.5', withHeader).d).toMatchObject({ host: 'fw', attributes: { syslog_host: 'relay', dvc: '10.0.0.5' } });
    expect(decode('CEF:0|V|P|1|s|N|1|dvc=10.0.0.5').d.host).toBe('10.0.0.5');
  });

  test('a requestUrl with an IP host sets no domain', () => {
    expect(decode('CEF:0|V|P|1|s|N|1|requestUrl=http://10.0.0.1/x').d.domain).toBeNull();
  });
});

test.each([
  ['CEF:0|', true],
  ['CEF:25|', true],
  ['CEF:|', false],
  ['CEF: hello', false],
  ['CEF:0', false],
  ['cef:0|', false],
])('isCefStart(%j) = %s', (s, yes) => {
  expect(isCefStart(s, 0)).toBe(yes);
});
