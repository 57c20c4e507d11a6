import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';

const ctx = { receivedAt: Date.UTC(2026, 11, 7) };

describe('vsftpd.log lines', () => {
  test.each<[string, string, Record<string, unknown> | null]>([
    ['no [pid]: not vsftpd.log', 'Fri Dec  4 16:22:28 2026 something else', null],
    ['a bad weekday', 'Fry Dec  4 16:22:28 2026 [pid 1] CONNECT: Client "203.0.113.1"', null],
    [
      'FAIL LOGIN, space-padded day, mapped address',
      'Fri Dec  4 16:22:28 2026 [pid 1617] [webadmin] FAIL LOGIN: Client "::ffff:203.0.113.240"',
      { ts: Date.UTC(2026, 11, 4, 16, 22, 28), pid: 1617, process: 'vsftpd', user: 'webadmin', src_ip: '203.0.113.240', parser: 'vsftpd-log>vsftpd', action: 'login', outcome: 'failure', message: '[pid 1617] [webadmin] FAIL LOGIN: Client "::ffff:203.0.113.240"' },
    ],
    [
      'CONNECT',
      'Mon Nov 30 09:00:01 2026 [pid 42] CONNECT: Client "198.51.100.241"',
      { ts: Date.UTC(2026, 10, 30, 9, 0, 1), pid: 42, process: 'vsftpd', user: null, src_ip: '198.51.100.241', parser: 'vsftpd-log>vsftpd', action: 'connect', outcome: 'success', message: '[pid 42] CONNECT: Client "198.51.100.241"' },
    ],
  ])('%s', (_n, line, want) => {
    const d = decodeByFormat(line, 'auto', ctx);
    if (want === null) {
      expect(d.parser ?? '').not.toContain('vsftpd');
      return;
    }
    const event = d.attributes.event as Record<string, unknown>;
    expect(d.format).toBe('text');
    expect({ ts: d.ts, pid: d.pid, process: d.process, user: d.user, src_ip: d.src_ip, parser: d.parser, action: event.action, outcome: event.outcome, message: d.message }).toEqual(want);
  });
});
