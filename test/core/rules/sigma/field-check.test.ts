import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileSigma } from '../../../../src/core/rules/sigma/compile-rule.js';
import { SigmaError } from '../../../../src/core/rules/sigma/sigma-error.js';
import { makeEvent } from './event-factory.js';
import { ev, hits, matchesOne, ruleDoc, sigmaCtx } from './sigma-kit.js';

const b64 = (s: string, enc: BufferEncoding = 'utf8'): string => Buffer.from(s, enc).toString('base64');

describe('field values and modifiers', () => {
  test.each([
    // [selection, attributes of the event, expected]
    // plain equality: case-insensitive, whole value
    [{ Op: 'Delete' }, { Op: 'delete' }, true],
    [{ Op: 'Delete' }, { Op: 'DELETE' }, true],
    [{ Op: 'Delete' }, { Op: 'Deleted' }, false],
    [{ Op: 'Delete' }, {}, false],
    [{ Op: 'Delete' }, { Op: null }, false],
    // cased
    [{ 'Op|cased': 'Delete' }, { Op: 'Delete' }, true],
    [{ 'Op|cased': 'Delete' }, { Op: 'delete' }, false],
    [{ 'Op|contains|cased': 'Evil' }, { Op: 'so Evil' }, true],
    [{ 'Op|contains|cased': 'Evil' }, { Op: 'so evil' }, false],
    [{ 'Op|startswith|cased': 'Ev' }, { Op: 'ev' }, false],
    // wildcards and escapes
    [{ Op: 'Del*' }, { Op: 'deleted' }, true],
    [{ Op: '*ete' }, { Op: 'DELETE' }, true],
    [{ Op: 'D?lete' }, { Op: 'dxlete' }, true],
    [{ Op: 'D?lete' }, { Op: 'dlete' }, false],
    [{ Op: '100\\*' }, { Op: '100*' }, true],
    [{ Op: '100\\*' }, { Op: '1000' }, false],
    [{ Op: 'why\\?' }, { Op: 'why?' }, true],
    [{ Op: 'why\\?' }, { Op: 'whyx' }, false],
    [{ Op: 'C:\\\\*' }, { Op: 'C:\\Windows' }, true], // escaped backslash then wildcard
    [{ Op: '*' }, { Op: '' }, true],
    [{ Op: '*' }, {}, false],
    // position modifiers
    [{ 'CommandLine|contains': 'Invoke-' }, { CommandLine: 'powershell invoke-expression' }, true],
    [{ 'CommandLine|contains': 'Invoke-' }, { CommandLine: 'powershell' }, false],
    [{ 'CommandLine|startswith': 'powershell' }, { CommandLine: 'PowerShell -nop' }, true],
    [{ 'CommandLine|startswith': 'powershell' }, { CommandLine: ' powershell' }, false],
    [{ 'TargetImage|endswith': '\\cmd.exe' }, { TargetImage: 'C:\\Windows\\System32\\CMD.EXE' }, true],
    [{ 'TargetImage|endswith': '\\cmd.exe' }, { TargetImage: 'C:\\cmd.exe.bak' }, false],
    [{ 'Op|contains': 'a*c' }, { Op: 'xxabbbcxx' }, true], // wildcards inside contains
    [{ 'Op|contains': 'a?c' }, { Op: 'xxabcxx' }, true],
    [{ 'Op|contains': 'a?c' }, { Op: 'xxacxx' }, false],
    // lists: ORed by default, ANDed with all
    [{ Op: ['read', 'write'] }, { Op: 'WRITE' }, true],
    [{ Op: ['read', 'write'] }, { Op: 'exec' }, false],
    [{ 'CommandLine|contains|all': ['-nop', 'hidden'] }, { CommandLine: 'x -NoP -w Hidden' }, true],
    [{ 'CommandLine|contains|all': ['-nop', 'hidden'] }, { CommandLine: 'x -nop' }, false],
    [{ 'CommandLine|all|contains': ['-nop', 'hidden'] }, { CommandLine: 'hidden -nop' }, true],
    [{ 'CommandLine|contains|all': ['single'] }, { CommandLine: 'a single one' }, true],
    [{ 'Tags|all': ['a', 'b'] }, { Tags: ['b', 'c', 'a'] }, true], // list-valued field: each value found
    [{ 'Tags|all': ['a', 'b'] }, { Tags: ['a', 'c'] }, false],
    [{ Tags: 'c' }, { Tags: ['a', 'c'] }, true],
    // numbers
    [{ EventID: 4625 }, { EventID: 4625 }, true],
    [{ EventID: 4625 }, { EventID: '4625' }, true],
    [{ EventID: '4625' }, { EventID: 4625 }, true],
    [{ EventID: 4625 }, { EventID: '4625.0' }, true],
    [{ EventID: 4625 }, { EventID: 46250 }, false],
    [{ EventID: [4624, 4625] }, { EventID: 4624 }, true],
    [{ 'EventID|all': [4625] }, { EventID: 4625 }, true],
    [{ Port: 0 }, { Port: 0 }, true],
    [{ Port: 0 }, { Port: '' }, false],
    // booleans
    [{ Elevated: true }, { Elevated: true }, true],
    [{ Elevated: true }, { Elevated: 'True' }, true],
    [{ Elevated: true }, { Elevated: false }, false],
    // null and empty
    [{ Parent: null }, {}, true],
    [{ Parent: null }, { Parent: null }, true],
    [{ Parent: null }, { Parent: [] }, true],
    [{ Parent: null }, { Parent: '' }, false],
    [{ Parent: null }, { Parent: 'x' }, false],
    [{ Parent: '' }, { Parent: '' }, true],
    [{ Parent: '' }, {}, false],
    [{ Parent: '' }, { Parent: 'x' }, false],
    [{ Parent: [null, 'init'] }, {}, true],
    [{ Parent: [null, 'init'] }, { Parent: 'INIT' }, true],
    [{ Parent: [null, 'init'] }, { Parent: 'bash' }, false],
    // exists
    [{ 'Parent|exists': true }, { Parent: '' }, true],
    [{ 'Parent|exists': true }, { Parent: 0 }, true],
    [{ 'Parent|exists': true }, { Parent: { nested: 1 } }, true],
    [{ 'Parent|exists': true }, {}, false],
    [{ 'Parent|exists': true }, { Parent: null }, false], // logagg reads null as "not carried"
    [{ 'Parent|exists': false }, {}, true],
    [{ 'Parent|exists': false }, { Parent: 'x' }, false],
    // numeric comparisons
    [{ 'Size|gt': 100 }, { Size: 101 }, true],
    [{ 'Size|gt': 100 }, { Size: 100 }, false],
    [{ 'Size|gte': 100 }, { Size: 100 }, true],
    [{ 'Size|lt': 100 }, { Size: '99.5' }, true],
    [{ 'Size|lte': 100 }, { Size: 100.5 }, false],
    [{ 'Size|gt': 100 }, { Size: 'big' }, false],
    [{ 'Size|lt': 100 }, { Size: 'big' }, false],
    [{ 'Size|gt': 100 }, {}, false],
    [{ 'Size|gt': '100' }, { Size: 150 }, true],
    [{ 'Size|gt': [100, 1000] }, { Size: 150 }, true], // ORed
    [{ 'Size|gt|all': [100, 1000] }, { Size: 150 }, false],
    // regular expressions
    [{ 'CommandLine|re': '-e(nc|ncodedcommand) [A-Za-z0-9+/=]{20,}' }, { CommandLine: 'ps -enc SQBFAFgAIAAoAE4AZQB3AC0A' }, true],
    [{ 'CommandLine|re': '^cmd' }, { CommandLine: 'CMD /c' }, false],
    [{ 'CommandLine|re|i': '^cmd' }, { CommandLine: 'CMD /c' }, true],
    [{ 'CommandLine|re': '(?i)^cmd' }, { CommandLine: 'CMD /c' }, true],
    [{ 'CommandLine|re|s': 'a.b' }, { CommandLine: 'a\nb' }, true],
    [{ 'CommandLine|re|m': '^b' }, { CommandLine: 'a\nb' }, true],
    [{ 'CommandLine|re': '^b' }, { CommandLine: 'a\nb' }, false],
    [{ 'CommandLine|re': ['^x', 'y$'] }, { CommandLine: 'aay' }, true],
    [{ 'CommandLine|re|all': ['^a', 'y$'] }, { CommandLine: 'aay' }, true],
    [{ 'CommandLine|re|all': ['^a', 'z$'] }, { CommandLine: 'aay' }, false],
    // windash
    [{ 'CommandLine|windash|contains': ' -enc ' }, { CommandLine: 'powershell /enc AAA' }, true],
    [{ 'CommandLine|windash|contains': ' -enc ' }, { CommandLine: 'powershell \u2013enc AAA' }, true],
    [{ 'CommandLine|windash|contains': ' -enc ' }, { CommandLine: 'powershell -ENC AAA' }, true],
    [{ 'CommandLine|windash|contains': ' -enc ' }, { CommandLine: 'powershell enc AAA' }, false],
    [{ 'CommandLine|contains|windash': [' -f ', ' -s '] }, { CommandLine: 'x /s y' }, true],
    // base64 family (case-sensitive, as Base64 is)
    [{ 'CommandLine|base64': 'http://' }, { CommandLine: b64('http://') }, true],
    [{ 'CommandLine|base64|contains': 'http://' }, { CommandLine: `echo ${b64('http://')} |` }, true],
    [{ 'CommandLine|base64|contains': 'http://' }, { CommandLine: `echo ${b64('http://').toLowerCase()} |` }, false],
    [{ 'CommandLine|base64offset|contains': 'http://' }, { CommandLine: `-e ${b64('x http://evil')}` }, true],
    [{ 'CommandLine|base64offset|contains': 'http://' }, { CommandLine: `-e ${b64('xy http://evil')}` }, true],
    [{ 'CommandLine|base64offset|contains': 'http://' }, { CommandLine: `-e ${b64('xyz http://evil')}` }, true],
    [{ 'CommandLine|base64offset|contains': 'http://' }, { CommandLine: `-e ${b64('xyz https://evil')}` }, false],
    [{ 'CommandLine|utf16le|base64offset|contains': 'Invoke-' }, { CommandLine: `-enc ${b64('IEX (Invoke-Expression)', 'utf16le')}` }, true],
    [{ 'CommandLine|utf16le|base64offset|contains': 'Invoke-' }, { CommandLine: `-enc ${b64('IEX (Invoke-Expression)')}` }, false],
    [{ 'CommandLine|wide|base64offset|contains': 'Invoke-' }, { CommandLine: `-enc ${b64('..Invoke-', 'utf16le')}` }, true],
    // fieldref
    [{ 'TargetUser|fieldref': 'SubjectUser' }, { TargetUser: 'Bob', SubjectUser: 'bob' }, true],
    [{ 'TargetUser|fieldref|cased': 'SubjectUser' }, { TargetUser: 'Bob', SubjectUser: 'bob' }, false],
    [{ 'TargetUser|fieldref': 'SubjectUser' }, { TargetUser: 'bob', SubjectUser: 'alice' }, false],
    [{ 'TargetUser|fieldref': 'SubjectUser' }, { TargetUser: 'bob' }, false],
    // object values never equal a string
    [{ Op: 'x' }, { Op: { a: 'x' } }, false],
  ])('%j on %j → %s', (selection, attributes, expected) => {
    expect(matchesOne({ sel: selection, condition: 'sel' }, ev(attributes))).toBe(expected);
  });
});

describe('cidr', () => {
  test.each([
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.5', '192.168.1.5', true],
    ['192.168.1.5', '192.168.1.6', false],
    ['fe80::/10', 'fe80::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['2001:db8::/32', '2001:DB8:0:1::5', true],
    ['10.0.0.0/8', '::ffff:10.0.0.1', true],
    ['10.0.0.0/8', 'not-an-ip', false],
  ])('%s contains %s → %s', (range, ip, expected) => {
    expect(matchesOne({ sel: { 'SourceIp|cidr': range }, condition: 'sel' }, makeEvent({ src_ip: ip }))).toBe(expected);
  });

  test('a list is ORed; with all it is ANDed', () => {
    const e = makeEvent({ src_ip: '10.1.2.3' });
    expect(matchesOne({ sel: { 'SourceIp|cidr': ['192.168.0.0/16', '10.0.0.0/8'] }, condition: 'sel' }, e)).toBe(true);
    expect(matchesOne({ sel: { 'SourceIp|cidr|all': ['10.0.0.0/8', '10.1.0.0/16'] }, condition: 'sel' }, e)).toBe(true);
    expect(matchesOne({ sel: { 'SourceIp|cidr|all': ['10.0.0.0/8', '10.2.0.0/16'] }, condition: 'sel' }, e)).toBe(false);
  });

  test('not selection: outside internal ranges', () => {
    const d = { internal: { 'DestinationIp|cidr': ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }, condition: 'not internal' };
    expect(hits(d, [makeEvent({ dst_ip: '8.8.8.8' }), makeEvent({ dst_ip: '172.20.1.1' }), makeEvent({ dst_ip: '172.32.0.1' })])).toEqual([0, 2]);
  });
});

describe('keywords', () => {
  const syslog = (message: string, raw = `<38>Jan 1 00:00:00 srv sshd[1]: ${message}`) => makeEvent({ format: 'syslog3164', message, raw });
  test.each([
    [['EVILSERVICE'], syslog('service evilservice started'), true],
    [['EVILSERVICE'], syslog('service started'), false],
    [['svchost.exe -n evil', 'other'], syslog('run svchost.exe -n evil now'), true],
    [['srv sshd'], syslog('nothing'), true], // the raw text is searched too
    [['Failed * for root'], syslog('Failed password for root from x'), true],
    [['Failed ? for root'], syslog('Failed password for root'), false],
    [[4625], syslog('event 4625 logged'), true],
    [['C:\\Windows\\Temp'], makeEvent({ message: 'wrote C:\\Windows\\Temp\\a', raw: '{"message":"wrote C:\\\\Windows\\\\Temp\\\\a"}' }), true], // found in message, not in escaped JSON
    [['"message"'], makeEvent({ message: 'x', raw: '{"message":"x"}' }), true],
  ])('%j in %j', (keywords, event, expected) => {
    expect(matchesOne({ keywords, condition: 'keywords' }, event)).toBe(expected);
  });

  test('a single string is one keyword', () => {
    expect(matchesOne({ keywords: 'mimikatz', condition: 'keywords' }, syslog('MIMIKATZ here'))).toBe(true);
  });

  test('|all keyword map ANDs the keywords', () => {
    const d = { keywords_cmdlet: { '|all': ['OabVirtualDirectory', ' -ExternalUrl '] }, condition: 'keywords_cmdlet' };
    expect(matchesOne(d, syslog('Set-OabVirtualDirectory -ExternalUrl http://x'))).toBe(true);
    expect(matchesOne(d, syslog('Set-OabVirtualDirectory'))).toBe(false);
  });

  test('|re keywords search with a regex, in the message and in the raw text', () => {
    expect(matchesOne({ k: { '|re': 'user [a-z]+ from' }, condition: 'k' }, syslog('invalid user oracle from 1.2.3.4'))).toBe(true);
    expect(matchesOne({ k: { '|re': '^Invalid user' }, condition: 'k' }, syslog('Invalid user oracle'))).toBe(true); // anchored to the message
    expect(matchesOne({ k: { '|re': '^<38>' }, condition: 'k' }, syslog('Invalid user oracle'))).toBe(true); // anchored to the raw text
    expect(matchesOne({ k: { '|re': '^user' }, condition: 'k' }, syslog('Invalid user oracle'))).toBe(false);
  });

  test('|cased keywords', () => {
    expect(matchesOne({ k: { '|cased': 'Mimikatz' }, condition: 'k' }, syslog('mimikatz'))).toBe(false);
    expect(matchesOne({ k: { '|cased': 'Mimikatz' }, condition: 'k' }, syslog('Mimikatz'))).toBe(true);
  });

  test('the substring prefilter never changes a result (random texts and keywords)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[abAB *?\\-]{0,4}$/), { minLength: 1, maxLength: 3 }),
        fc.array(fc.stringMatching(/^[abAB -]{0,10}$/), { minLength: 1, maxLength: 6 }),
        (keywords, texts) => {
          const events = texts.map((t) => makeEvent({ message: t, raw: t }));
          const got = hits({ keywords, condition: 'keywords' }, events);
          const want = texts.flatMap((t, i) => (keywords.some((k) => naiveContains(t, k)) ? [i] : []));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Reference semantics of a keyword: the Sigma pattern anywhere in the text, case-insensitively. */
function naiveContains(text: string, keyword: string): boolean {
  let re = '';
  for (let i = 0; i < keyword.length; i++) {
    const c = keyword[i] as string;
    const n = keyword[i + 1];
    if (c === '\\' && (n === '*' || n === '?' || n === '\\')) {
      re += '\\' + n;
      i++;
    } else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  }
  return new RegExp(re, 'i').test(text);
}

describe('field mapping', () => {
  test('default map: Image → process, User → user, SourceIp → src_ip, DestinationPort → dst_port', () => {
    const e = makeEvent({ process: '/usr/bin/nc', user: 'www-data', src_ip: '10.0.0.9', dst_port: 4444 });
    expect(matchesOne({ s: { 'Image|endswith': '/nc', User: 'WWW-DATA', 'SourceIp|startswith': '10.', DestinationPort: 4444 }, condition: 's' }, e)).toBe(true);
  });

  test('a mapped name whose logagg field is empty reads the name as written (attributes)', () => {
    const d = { s: { 'Image|endswith': '\\cmd.exe' }, condition: 's' };
    expect(matchesOne(d, makeEvent({ process: null, attributes: { Image: 'C:\\x\\cmd.exe' } }))).toBe(true);
    expect(matchesOne(d, makeEvent({ process: 'C:\\x\\cmd.exe', attributes: { Image: 'other' } }))).toBe(true);
    expect(matchesOne(d, makeEvent({ process: 'sshd', attributes: { Image: 'C:\\x\\cmd.exe' } }))).toBe(false);
  });

  test('unmapped names read attributes', () => {
    expect(matchesOne({ s: { ParentImage: 'x' }, condition: 's' }, ev({ ParentImage: 'X' }))).toBe(true);
    expect(matchesOne({ s: { 'EventData.LogonType': 3 }, condition: 's' }, ev({ EventData: { LogonType: 3 } }))).toBe(true);
  });

  test('the configured map overrides and extends the default', () => {
    const ctx = sigmaCtx({ sigmaFieldMap: { Image: 'attributes.Image', ProcessGuid: 'attributes.guid' } });
    const e = makeEvent({ process: 'other', attributes: { Image: 'C:\\a\\cmd.exe', guid: 'G' } });
    expect(matchesOne({ s: { 'Image|endswith': '\\cmd.exe', ProcessGuid: 'g' }, condition: 's' }, e, ctx)).toBe(true);
    expect(matchesOne({ s: { 'Image|endswith': '\\cmd.exe' }, condition: 's' }, e)).toBe(false);
  });

  test('metric shortcuts and top-level fields', () => {
    const e = makeEvent({ metrics: { cpu_pct: 97 }, level: 3 });
    expect(matchesOne({ s: { 'cpu_pct|gte': 95, 'level|lte': 3 }, condition: 's' }, e)).toBe(true);
  });
});

describe('values refused at load', () => {
  test.each([
    [{ F: [] }, 'empty list of values'],
    [{ F: [['nested']] }, 'not a list'],
    [{ F: { a: 1 } }, 'not object'],
    [{ 'F|contains': null }, 'null cannot be combined'],
    [{ 'F|contains': true }, 'boolean cannot be combined'],
    [{ 'F|exists': 'yes' }, '"exists" takes true or false'],
    [{ 'F|exists': [true, false] }, '"exists" takes true or false'],
    [{ 'F|gt': 'ten' }, '"gt" needs a number'],
    [{ 'F|gt': null }, '"gt" needs a number'],
    [{ 'F|cidr': '10.0.0.0/33' }, 'not an IP address or CIDR range'],
    [{ 'F|cidr': 10 }, '"cidr" values must be strings'],
    [{ 'F|re': 5 }, '"re" values must be strings'],
    [{ 'F|re': '(' }, 'invalid regular expression'],
    [{ 'F|base64offset|contains': 'a*b' }, 'cannot be base64offset-encoded'],
    [{ 'F|fieldref': '' }, '"fieldref" values must be field names'],
    [{ '|startswith': 'x' }, '"startswith" needs a field name'],
    [{ '|cidr': '10.0.0.0/8' }, '"cidr" needs a field name'],
    [{ 'F|foo': 'x' }, 'unknown modifier "foo"'],
    [{ 'F|expand': '%Admins%' }, 'placeholders'],
  ])('%j', (selection, message) => {
    let err: unknown;
    try {
      compileSigma(ruleDoc({ sel: selection, condition: 'sel' }), sigmaCtx(), 'rules/x.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SigmaError);
    const se = err as SigmaError;
    expect(se.message).toContain(message);
    expect(se.message).toContain('rules/x.yml: "Test rule" (00000000-0000-4000-8000-000000000001): detection.sel: ');
    expect(se.code).toBe('RULE_INVALID');
  });
});

describe('huge inputs', () => {
  test('thousands of values in one list', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `proc${i}.exe`);
    const subs = Array.from({ length: 2000 }, (_, i) => `-flag${i}-`);
    const d = { a: { Name: names }, b: { 'CommandLine|contains': subs }, condition: 'a or b' };
    expect(hits(d, [ev({ Name: 'PROC4999.EXE' }), ev({ Name: 'proc5000.exe' }), ev({ CommandLine: 'x -flag1999- y' }), ev({ CommandLine: 'x -flag2000- y' })])).toEqual([0, 2]);
  });

  test('a megabyte of text', () => {
    const big = 'x'.repeat(1 << 20);
    const e = makeEvent({ message: big + ' mimikatz', raw: big + ' mimikatz' });
    expect(matchesOne({ k: ['MIMIKATZ'], condition: 'k' }, e)).toBe(true);
    expect(matchesOne({ k: ['sekurlsa'], condition: 'k' }, e)).toBe(false);
  });
});
