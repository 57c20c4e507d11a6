import { expect, test } from 'vitest';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { decodeSyslog3164 } from '../../../src/core/decode/syslog-3164.js';
import { scanPri } from '../../../src/core/decode/syslog-pri.js';

const R = Date.parse('2024-01-02T00:00:00Z');

function decode(text: string, receivedAt = R): { d: Draft; error: string | null } {
  const d = newDraft('syslog3164');
  const pri = scanPri(text, 0)!;
  return { d, error: decodeSyslog3164(text, pri.pri, pri.end, d, { receivedAt }) };
}

test.each<[string, string, Partial<Draft>]>([
  [
    'RFC 3164 §5.4 example 1',
    "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
    { ts: Date.UTC(2023, 9, 11, 22, 14, 15), host: 'mymachine', process: 'su', pid: null, level: 2, message: "'su root' failed for lonvick on /dev/pts/8", attributes: { facility: 'auth' } },
  ],
  [
    'tag with pid, padded day',
    '<13>Jan  1 23:00:00 Web-01 sshd[1234]: Accepted password for bob',
    { ts: Date.UTC(2024, 0, 1, 23), host: 'web-01', process: 'sshd', pid: 1234, level: 5, message: 'Accepted password for bob' },
  ],
  [
    'no host: the token after the time is a tag',
    '<13>Jan  1 23:00:00 cron[42]: job done',
    { host: null, process: 'cron', pid: 42, message: 'job done' },
  ],
  [
    'host, no tag',
    '<13>Jan  1 23:00:00 host just some text',
    { host: 'host', process: null, message: 'just some text' },
  ],
  [
    'RFC 3339 timestamp in place of Mmm dd',
    '<13>2024-01-01T12:00:00.5+01:00 host app: hi',
    { ts: Date.UTC(2024, 0, 1, 11, 0, 0, 500), host: 'host', process: 'app', message: 'hi' },
  ],
  [
    'no timestamp: all after PRI is the message',
    '<13>something happened: really',
    { ts: null, host: null, process: null, level: 5, message: 'something happened: really' },
  ],
  [
    'invalid date (Feb 30) is not a timestamp',
    '<13>Feb 30 10:00:00 host app: x',
    { ts: null, message: 'Feb 30 10:00:00 host app: x' },
  ],
  ['PRI only', '<13>', { message: '', level: 5 }],
  [
    'fractional seconds',
    '<13>Jan  1 23:00:00.250 host app: x',
    { ts: Date.UTC(2024, 0, 1, 23, 0, 0, 250) },
  ],
  [
    'pid that is not a number: tag not recognised',
    '<13>Jan  1 23:00:00 host app[x]: y',
    { process: null, message: 'app[x]: y' },
  ],
])('%s', (_name, text, expected) => {
  const { d, error } = decode(text);
  expect(error).toBeNull();
  expect(d).toMatchObject(expected);
});

test.each([
  ['Dec 31 23:59:59', '2024-01-01T00:00:10Z', Date.UTC(2023, 11, 31, 23, 59, 59)],
  ['Jan  1 00:00:05', '2024-01-01T00:00:10Z', Date.UTC(2024, 0, 1, 0, 0, 5)],
  ['Jan  5 00:00:00', '2024-01-01T00:00:10Z', Date.UTC(2023, 0, 5)],
])('year inference: %s received %s', (stamp, received, ts) => {
  expect(decode(`<13>${stamp} h a: m`, Date.parse(received)).d.ts).toBe(ts);
});

test('bad PRI <999>: error, the rest still read', () => {
  const { d, error } = decode('<999>Jan  1 23:00:00 host app: x');
  expect(error).toBe('syslog3164: invalid PRI <999> (must be 0..191)');
  expect(d).toMatchObject({ level: null, host: 'host', process: 'app', message: 'x' });
});

test('CEF after a 3164 header', () => {
  const { d, error } = decode('<13>Jan  1 23:00:00 fw CEF:0|V|P|1|100|Port scan|8|src=10.0.0.9 dpt=22');
  expect(error).toBeNull();
  expect(d).toMatchObject({ format: 'cef', host: 'fw', process: null, src_ip: '10.0.0.9', dst_port: 22, level: 3, message: 'Port scan' });
});

test('CEF right after the timestamp (no host)', () => {
  const { d } = decode('<13>Jan  1 23:00:00 CEF:0|V|P|1|100|x|1|');
  expect(d).toMatchObject({ format: 'cef', host: null, message: 'x' });
});
