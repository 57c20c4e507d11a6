import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import type { Format } from '../../../src/core/event.js';

const ctx = { receivedAt: Date.UTC(2024, 0, 2) };

describe('auto-detection', () => {
  test.each<[string, string, Format, string | null]>([
    ['JSON object', '{"msg":"x"}', 'json', null],
    ['JSON after blanks and a BOM', '\uFEFF  {"msg":"x"}\n', 'json', null],
    ['truncated JSON object', '{"msg":"x"', 'json', 'json:'],
    ['brace text is not JSON', '{foo} happened', 'text', null],
    ['JSON array', '[1,2]', 'json', null],
    ['bracketed text', '[INFO] started', 'text', null],
    ['bracket text ending in ]', '[a] b [c]', 'text', null],
    ['RFC 5424', '<13>1 2024-01-01T00:00:00Z h a - - - m', 'syslog5424', null],
    ['RFC 3164', '<13>Jan  1 00:00:00 h a: m', 'syslog3164', null],
    ['PRI then free text', '<13>hello', 'syslog3164', null],
    ['bad PRI', '<999>Jan  1 00:00:00 h a: m', 'syslog3164', 'syslog3164: invalid PRI <999> (must be 0..191)'],
    ['bad PRI, 5424 shape', '<999>1 - h a - - - m', 'syslog5424', 'syslog5424: invalid PRI <999> (must be 0..191)'],
    ['4-digit PRI is no PRI', '<1000>x', 'text', null],
    ['CEF', 'CEF:0|V|P|1|s|N|1|a=1', 'cef', null],
    ['CEF after a PRI-less header', 'Jan  1 00:00:00 fw CEF:0|V|P|1|s|N|1|a=1', 'cef', null],
    ['CEF after 5424 header', '<13>1 - fw - - - - CEF:0|V|P|1|s|N|1|', 'cef', null],
    ['broken CEF', 'CEF:0|V|P', 'cef', "cef: expected 7 '|' separators in the header, found 2"],
    ['prose mentioning CEF:', 'we got CEF: nothing', 'text', null],
    ['logfmt', 'a=1 b=2', 'logfmt', null],
    ['logfmt with one bare word', 'level=info msg=hi ok', 'logfmt', null],
    ['prose with pairs is text', 'the user logged in with a=1 b=2', 'text', null],
    ['one pair is text', 'a=1 and more', 'text', null],
    ['logfmt with broken quote is text', 'a=1 b="x', 'text', null],
    ['plain text', 'hello world', 'text', null],
    ['blank', '   ', 'text', null],
  ])('%s', (_name, text, format, error) => {
    const d = decodeByFormat(text, 'auto', ctx);
    expect(d.format).toBe(format);
    if (error === null) expect(d.error).toBeNull();
    else expect(d.error).toContain(error);
  });
});

describe('pinned formats', () => {
  test.each<[Format, string, string | null]>([
    ['json', '{"a":1}', null],
    ['json', '[1]', null],
    ['json', '42', null],
    ['json', '{"a":', 'json: '],
    ['json', 'a=1 b=2', 'json: '],
    ['syslog5424', '<13>1 - - - - - -', null],
    ['syslog5424', 'no pri', 'syslog5424: expected <PRI> at column 1'],
    ['syslog5424', '<13>Jan  1 00:00:00 h a: m', "syslog5424: invalid VERSION 'Jan' at column 5"],
    ['syslog3164', '<13>Jan  1 00:00:00 h a: m', null],
    ['syslog3164', '  <13>x', null],
    // A file line without PRI is accepted when it has a syslog header; free text is not.
    ['syslog3164', 'Jan  1 00:00:00 h a: m', null],
    ['syslog3164', 'just text', 'syslog3164: expected <PRI> at column 1'],
    ['cef', 'CEF:0|V|P|1|s|N|1|', null],
    ['cef', '<13>Jan  1 00:00:00 h CEF:0|V|P|1|s|N|1|', null],
    ['cef', 'hello', "cef: no 'CEF:<version>|' found at the start or after a syslog header"],
    ['cef', '<13>Jan  1 00:00:00 h a: x CEF:0|V|P|1|s|N|1|', "cef: no 'CEF:<version>|' found at the start or after a syslog header"],
    ['cef', 'CEF:0|x', "cef: expected 7 '|' separators in the header, found 1"],
    ['logfmt', 'a=1', null],
    ['logfmt', 'just words', null],
    ['logfmt', 'a="open', 'logfmt: unterminated quote at column 3'],
    ['text', '{"a":1}', null],
  ])('%s: %j', (format, text, error) => {
    const d = decodeByFormat(text, format, ctx);
    if (error === null) {
      expect(d.error).toBeNull();
      expect(d.format).toBe(format === 'syslog3164' && text.includes('CEF:') ? 'cef' : format);
    } else {
      expect(d.error).toContain(error);
      expect(d.format).toBe(format); // a failure keeps the pinned format
      expect(d.message).toBeNull(); // the normalizer puts the raw text there
    }
  });

  test('pinned text does not parse JSON', () => {
    expect(decodeByFormat('{"host":"h"}', 'text', ctx)).toMatchObject({ host: null, message: '{"host":"h"}' });
  });

  test('trailing CR/LF is not part of the message', () => {
    expect(decodeByFormat('<13>Jan  1 00:00:00 h a: m\r\n', 'syslog3164', ctx).message).toBe('m');
  });
});
