import { describe, expect, test } from 'vitest';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { decodeSyslog5424, parseStructuredData } from '../../../src/core/decode/syslog-5424.js';
import { scanPri } from '../../../src/core/decode/syslog-pri.js';

const ctx = { receivedAt: Date.UTC(2024, 0, 2) };

function decode(text: string): { d: Draft; error: string | null } {
  const d = newDraft('syslog5424');
  const pri = scanPri(text, 0);
  if (pri === null) throw new Error('test input needs a PRI');
  return { d, error: decodeSyslog5424(text, pri.pri, pri.end, d, ctx) };
}

describe('RFC 5424 examples and variants', () => {
  test.each<[string, string, Partial<Draft>]>([
    [
      'RFC 5424 §6.5 example 1 (no SD, BOM before MSG)',
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
      {
        ts: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
        host: 'mymachine.example.com',
        level: 2,
        process: 'su',
        pid: null,
        message: "'su root' failed for lonvick on /dev/pts/8",
        attributes: { facility: 'auth', msgid: 'ID47' },
      },
    ],
    [
      'example 2: offset and microseconds, NILVALUE MSGID',
      '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.',
      {
        ts: Date.UTC(2003, 7, 24, 12, 14, 15, 0),
        host: '192.0.2.1',
        level: 5,
        process: 'myproc',
        pid: 8710,
        message: "%% It's time to make the do-nuts.",
        attributes: { facility: 'local4' },
      },
    ],
    [
      'example 4: SD only, no MSG',
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
      {
        process: 'evntslog',
        message: '',
        attributes: {
          facility: 'local4',
          msgid: 'ID47',
          sd: { 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' }, 'examplePriority@32473': { class: 'high' } },
        },
      },
    ],
    [
      'all NILVALUE',
      '<13>1 - - - - - -',
      { ts: null, tsOriginal: undefined, host: null, process: null, pid: null, message: '', attributes: { facility: 'user' } },
    ],
    [
      'non-numeric PROCID, version 2, empty MSG after space',
      '<13>2 2024-01-01T12:00:00Z H app worker-1 - - ',
      { host: 'h', pid: null, message: '', attributes: { facility: 'user', procid: 'worker-1', syslog_version: 2 } },
    ],
    [
      'unparseable timestamp kept for the normalizer',
      '<13>1 yesterday host app - - - msg',
      { ts: null, tsOriginal: 'yesterday', message: 'msg' },
    ],
    [
      'JSON MSG is not re-parsed',
      '<14>1 2024-01-01T12:00:00Z h app - - - {"a":1}',
      { message: '{"a":1}', attributes: { facility: 'user' } },
    ],
  ])('%s', (_name, text, expected) => {
    const { d, error } = decode(text);
    expect(error).toBeNull();
    expect(d).toMatchObject(expected);
  });
});

describe('STRUCTURED-DATA escapes', () => {
  test.each<[string, Record<string, Record<string, unknown>>]>([
    ['[a@1 p="x\\"y"]', { 'a@1': { p: 'x"y' } }],
    ['[a@1 p="back\\\\slash"]', { 'a@1': { p: 'back\\slash' } }],
    ['[a@1 p="close\\]bracket"]', { 'a@1': { p: 'close]bracket' } }],
    ['[a@1 p="other \\n kept"]', { 'a@1': { p: 'other \\n kept' } }],
    ['[a@1 p="]" q=""]', { 'a@1': { p: ']', q: '' } }],
    ['[a@1 p="1" p="2" p="3"]', { 'a@1': { p: ['1', '2', '3'] } }],
    ['[a@1 p="1"][a@1 q="2"]', { 'a@1': { p: '1', q: '2' } }],
    ['[timeQuality]', { timeQuality: {} }],
    ['[a@1 p="héllo 😀"]', { 'a@1': { p: 'héllo 😀' } }],
  ])('%s', (sd, expected) => {
    const out: Record<string, Record<string, unknown>> = {};
    expect(parseStructuredData(sd, 0, out)).toBe(sd.length);
    expect(out).toEqual(expected);
  });

  test.each([
    ['[]', "syslog5424: empty SD-ID at column 2"],
    ['[a p="x"', "syslog5424: expected ']' at column 9"],
    ['[a p="x', 'syslog5424: unterminated PARAM-VALUE starting at column 7'],
    ['[a p=x]', `syslog5424: expected '="' after PARAM-NAME at column 5`],
    ['[a  p="x"]', 'syslog5424: empty PARAM-NAME at column 4'],
    ['[a p="x\\"]', 'syslog5424: unterminated PARAM-VALUE starting at column 10'],
  ])('malformed %s', (sd, error) => {
    expect(parseStructuredData(sd, 0, {})).toBe(error);
  });
});

describe('malformed messages', () => {
  test.each([
    ['<13>x 2024-01-01T00:00:00Z h a p m -', "syslog5424: invalid VERSION 'x' at column 5"],
    ['<13>1', 'syslog5424: message ends before TIMESTAMP'],
    ['<13>1 2024-01-01T00:00:00Z host', 'syslog5424: message ends before APP-NAME'],
    ['<13>1 2024-01-01T00:00:00Z h a p m', 'syslog5424: message ends before STRUCTURED-DATA'],
    ['<13>1  h a p m -', 'syslog5424: empty TIMESTAMP at column 7'],
    ['<13>1 - h a p m x', "syslog5424: expected STRUCTURED-DATA ('-' or '[') at column 17"],
    ['<13>1 - h a p m [x]msg', 'syslog5424: expected a space before MSG at column 20'],
    ['<13>1 - h a p m [x p="1" msg', `syslog5424: expected '="' after PARAM-NAME at column 29`],
    ['<999>1 - h a p m - msg', 'syslog5424: invalid PRI <999> (must be 0..191)'],
  ])('%j → %s', (text, error) => {
    expect(decode(text).error).toBe(error);
  });

  test('a bad PRI still yields the rest of the header', () => {
    const { d } = decode('<999>1 2024-01-01T00:00:00Z host app 12 - - msg');
    expect(d).toMatchObject({ level: null, host: 'host', process: 'app', pid: 12, message: 'msg' });
  });

  test('on a header error the message is left for the normalizer', () => {
    expect(decode('<13>1 - h a p m x').d.message).toBeNull();
  });
});

test('CEF in MSG is decoded as CEF, syslog header kept', () => {
  const { d, error } = decode('<13>1 2024-01-01T12:00:00Z fw01 - - - - CEF:0|V|P|1|sig|Blocked|5|src=10.0.0.1');
  expect(error).toBeNull();
  expect(d).toMatchObject({ format: 'cef', host: 'fw01', src_ip: '10.0.0.1', message: 'Blocked', level: 4 });
});
