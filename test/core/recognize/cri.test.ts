import { expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import { newDraft } from '../../../src/core/decode/draft.js';
import { cri } from '../../../src/core/recognize/cri.js';

const receivedAt = Date.UTC(2026, 10, 20, 12);
const at = (h: number, m: number, s: number, ms = 0): number => Date.UTC(2026, 10, 20, h, m, s, ms);

// Lines as containerd / CRI-O write them under /var/log/containers (kubelet's CRI logging
// format): `<RFC 3339 nano> <stream> <F|P[:tags]> <text>`.
test.each([
  ['empty', ''],
  ['time only', '2026-11-20T10:16:03.123456789Z'],
  ['no tag', '2026-11-20T10:16:03.123456789Z stdout'],
  ['unknown stream', '2026-11-20T10:16:03.123456789Z stdin F x'],
  ['unknown flag', '2026-11-20T10:16:03.123456789Z stdout X x'],
  ['flag glued to the text', '2026-11-20T10:16:03.123456789Z stdout Fx'],
  ['space instead of T (an application line, not CRI)', '2026-11-20 10:16:03.123 stdout F x'],
  ['no time', 'stdout F hello'],
  ['two spaces after the time', '2026-11-20T10:16:03Z  stdout F x'],
])('not a CRI line: %s', (_name, line) => {
  const d = newDraft('text');
  expect(cri.recognize(line, d, { receivedAt })).toBe(false);
  expect(d).toEqual(newDraft('text'));
});

test.each([
  ['full line (containerd, Z)', '2026-11-20T10:16:03.123456789Z stdout F GET /healthz 200', { ts: at(10, 16, 3, 123), message: 'GET /healthz 200' }, { stream: 'stdout' }],
  ['partial line flagged, not joined', '2026-11-20T10:16:03.123456789Z stderr P {"very":"long', { message: '{"very":"long' }, { stream: 'stderr', cri: { partial: true } }],
  ['CRI-O offset time', '2026-11-20T11:16:03.123456789+01:00 stdout F x', { ts: at(10, 16, 3, 123), message: 'x' }, { stream: 'stdout' }],
  ['empty text', '2026-11-20T10:16:03.1Z stdout F', { message: '' }, { stream: 'stdout' }],
  ['empty text after the space', '2026-11-20T10:16:03.1Z stdout F ', { message: '' }, { stream: 'stdout' }],
  ['more tags kept', '2026-11-20T10:16:03.1Z stdout F:x=1 text', { message: 'text' }, { stream: 'stdout', cri: { tags: 'F:x=1' } }],
  ['application line keeps its level; the runtime time wins', '2026-11-20T10:16:03.123456789Z stdout F 2026-11-20T10:16:03Z INFO [main] Started', { ts: at(10, 16, 3, 123), level: 6, message: 'Started', parser: 'cri>app-line' }, { stream: 'stdout', thread: 'main' }],
  ['JSON text decoded', '2026-11-20T10:16:03.5Z stderr F {"level":"error","msg":"boom","req":"r1"}', { level: 3, message: 'boom', parser: 'cri>json' }, { stream: 'stderr', req: 'r1' }],
  [
    '<PRI> syslog text',
    '2026-11-20T10:16:03.5Z stdout F <38>Nov 20 10:16:03 bastion sshd[1234]: Failed password for root from 203.0.113.50 port 40022 ssh2',
    { host: 'bastion', process: 'sshd', pid: 1234, level: 6, user: 'root', src_ip: '203.0.113.50', src_port: 40022, message: 'Failed password for root from 203.0.113.50 port 40022 ssh2', parser: 'cri>sshd' },
    { stream: 'stdout', facility: 'auth', ssh: { method: 'password' }, event: { action: 'login', outcome: 'failure' } },
  ],
])('%s', (_name, line, fields, attributes) => {
  const d = decodeByFormat(line, 'auto', { receivedAt });
  expect(d.error).toBeNull();
  expect(d).toMatchObject({ format: 'text', ...fields });
  expect(d.parser).toMatch(/^cri/);
  expect(d.attributes).toEqual(attributes);
});

test('without decodeLine (inside another envelope already) the text is the message as is', () => {
  const d = newDraft('text');
  expect(cri.recognize('2026-11-20T10:16:03.5Z stdout F {"level":"error"}', d, { receivedAt })).toBe(true);
  expect(d).toMatchObject({ message: '{"level":"error"}', level: null, parser: 'cri', attributes: { stream: 'stdout' } });
});
