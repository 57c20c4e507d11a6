import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { ciscoLine } from '../../../src/core/recognize/cisco.js';

const R = Date.parse('2026-11-20T12:00:00Z');
const ctx = { receivedAt: R };
const T = Date.UTC(2026, 10, 20, 10, 16, 3);

function recognize(text: string): Draft | null {
  const d = newDraft('text');
  return ciscoLine.recognize(text, d, ctx) ? d : null;
}

describe('not a Cisco line (the draft stays untouched)', () => {
  test.each([
    ['empty', ''],
    ['prose with a percent', '%done 40'],
    ['severity out of range', '%ASA-8-106023: x'],
    ['tag without colon', '%ASA-4-106023 Deny tcp'],
    ['lower-case facility', '%asa-4-106023: x'],
    ['a stamp then prose, no tag', 'Nov 20 10:16:03: backup finished'],
    ['a syslog line with a host (syslog-file reads it)', 'Nov 20 10:16:03 core1 %LINK-3-UPDOWN: Interface Gi0/1, changed state to down'],
    ['words before the tag', 'Nov 20 10:16:03 the job: %LINK-3-UPDOWN: x'],
    ['a tag far into the line', `${'x'.repeat(80)}: %LINK-3-UPDOWN: x`],
  ])('%s', (_name, text) => {
    const d = newDraft('text');
    expect(ciscoLine.recognize(text, d, ctx)).toBe(false);
    expect(d).toEqual(newDraft('text'));
  });
});

test.each<[string, string, Partial<Draft>, Record<string, unknown>]>([
  [
    'bare ASA tag: no time in the line',
    '%ASA-3-710003: TCP access denied by ACL from 198.51.100.4/5121 to outside:192.0.2.9/22',
    { ts: null, process: 'ASA', level: 3, message: 'TCP access denied by ACL from 198.51.100.4/5121 to outside:192.0.2.9/22' },
    { syslog: { tag: '%ASA-3-710003', msgid: '710003' } },
  ],
  [
    'stamp with the year and a colon',
    'Nov 20 2026 10:16:03: %FTD-6-302013: Built inbound TCP connection 7 for outside:198.51.100.5/40001 (198.51.100.5/40001) to inside:10.0.0.5/443 (192.0.2.5/443)',
    { ts: T, process: 'FTD', level: 6 },
    {},
  ],
  [
    'IOS sequence number, `*`, fraction and a known zone',
    '120448: *Nov 20 11:16:03.250 CET: %SEC-6-IPACCESSLOGP: list 110 denied tcp 203.0.113.6(51000) -> 10.1.1.1(23), 1 packet',
    { ts: T + 250, process: 'SEC', level: 6 },
    { event: { sequence: 120448 }, syslog: { msgid: 'IPACCESSLOGP' } },
  ],
  [
    'IOS `clock timezone` name we do not know: the stamp stands as written',
    '77: Nov 20 10:16:03 hq: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.9.8.7)',
    { ts: T, process: 'SYS', level: 5 },
    {},
  ],
  [
    'uptime instead of a date',
    '00:01:12: %LINEPROTO-5-UPDOWN: Line protocol on Interface Vlan1, changed state to up',
    { ts: null, process: 'LINEPROTO', level: 5 },
    {},
  ],
])('%s', (_name, text, want, attrs) => {
  const d = recognize(text);
  expect(d).toMatchObject({ format: 'text', parser: 'cisco', ...want });
  expect(d!.attributes).toMatchObject(attrs);
});

test('the ASA message reaches the ASA decoder through auto detection', () => {
  const d = decodeByFormat('%ASA-6-605004: Login denied from 203.0.113.30/41000 to outside:192.0.2.1/ssh for user "admin"', 'auto', ctx);
  expect(d).toMatchObject({ parser: 'cisco>cisco-asa', src_ip: '203.0.113.30', user: 'admin', level: 6 });
  expect(d.attributes).toMatchObject({ event: { action: 'login', outcome: 'failure' } });
});
