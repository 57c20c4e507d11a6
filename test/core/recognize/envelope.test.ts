import { expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import { newDraft, type LineDecoder } from '../../../src/core/decode/draft.js';
import { mergeLine } from '../../../src/core/recognize/envelope.js';
import { normalizeMessage } from '../../../src/core/normalize.js';

const receivedAt = Date.UTC(2026, 10, 20, 12);
const ctx = { receivedAt };
const at = (h: number, m: number, s: number, ms = 0): number => Date.UTC(2026, 10, 20, h, m, s, ms);
const decode = (line: string) => decodeByFormat(line, 'auto', ctx);

// Edges first: what is not an envelope, and envelopes whose line is missing, empty, not text,
// broken or huge.
test.each([
  ['message not a string', '{"@timestamp":"2026-11-20T10:16:03Z","message":{"text":"x"},"agent":{"type":"filebeat"}}', null, 'json'],
  ['missing message', '{"@timestamp":"2026-11-20T10:16:03Z","ecs":{"version":"8.0.0"},"host":{"name":"h"}}', null, 'json'],
  ['empty docker log', '{"log":"","stream":"stdout","time":"2026-11-20T10:16:03.1Z"}', '', 'json>docker'],
  ['docker log of only a newline', '{"log":"\\n","stream":"stdout","time":"2026-11-20T10:16:03.1Z"}', '', 'json>docker'],
  ['broken inner JSON stays the message', '{"log":"{\\"a\\":\\n","stream":"stdout","time":"2026-11-20T10:16:03.1Z"}', '{"a":', 'json>docker'],
])('edge: %s', (_name, line, message, parser) => {
  const d = decode(line);
  expect(d.error).toBeNull();
  expect(d.format).toBe('json');
  expect(d.message).toBe(message);
  expect(d.parser).toBe(parser);
});

test('bench-mix JSON (no envelope shape) decodes exactly as before', () => {
  const line = '{"timestamp":"2026-11-20T10:16:03Z","host":"web-01","cpu_usage":3.5,"process":"sshd","service":"node-exporter","region":"eu-west-1"}';
  const d = decode(line);
  expect(d).toMatchObject({ host: 'web-01', process: 'sshd', message: null, parser: 'json', attributes: { service: 'node-exporter', region: 'eu-west-1' } });
  expect(d.attributes).not.toHaveProperty('_envelope');
});

test('deeply nested objects on both sides merge without overflowing the stack', () => {
  const deep = (n: number, leaf: unknown): unknown => {
    let v: unknown = leaf;
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  };
  const line = JSON.stringify({ log: JSON.stringify({ a: deep(1500, 'line'), msg: 'm' }), stream: 'stdout', time: '2026-11-20T10:16:03Z', a: deep(1500, 'env') });
  const d = decode(line);
  expect(d).toMatchObject({ error: null, message: 'm', parser: 'json>docker>json' });
  expect(d.attributes).toHaveProperty('_envelope.a');
});

test('a Docker zero time does not displace the line time', () => {
  const d = decode('{"log":"2026-11-20T10:16:03Z INFO x\\n","stream":"stdout","time":"0001-01-01T00:00:00Z"}');
  expect(d).toMatchObject({ ts: at(10, 16, 3), level: 6, attributes: { stream: 'stdout', _envelope: { ts: '0001-01-01T00:00:00Z' } } });
});

test('a huge docker log line is decoded whole', () => {
  const body = 'x'.repeat(200_000);
  const d = decode(JSON.stringify({ log: `2026-11-20T10:16:03Z ERROR ${body}\n`, stream: 'stderr', time: '2026-11-20T10:16:03.5Z' }));
  expect(d.level).toBe(3);
  expect(d.message!.endsWith(`${body}`)).toBe(true);
  expect(d.message!.endsWith('\n')).toBe(false);
});

test.each([
  [
    'Docker json-file: the runtime time (ns) wins, the line keeps its level, stream kept, newline dropped',
    '{"log":"2026-11-20T10:16:03Z INFO [main] Started\\n","stream":"stdout","time":"2026-11-20T10:16:03.123456789Z"}',
    { ts: at(10, 16, 3, 123), level: 6, message: 'Started', parser: 'json>docker>app-line' },
    { stream: 'stdout', thread: 'main' },
  ],
  [
    'Docker json-file: a line stamped in another zone keeps its own time as _line_ts',
    '{"log":"2026-11-20 11:16:03,004 WARN [pool-1] slow\\n","stream":"stderr","time":"2026-11-20T10:16:03.004Z"}',
    { ts: at(10, 16, 3, 4), level: 4, message: 'slow', parser: 'json>docker>app-line' },
    { stream: 'stderr', _line_ts: '2026-11-20 11:16:03,004', thread: 'pool-1' },
  ],
  [
    'Docker json-file around application JSON: decoded one level, the line wins, the envelope value kept',
    '{"log":"{\\"level\\":\\"warn\\",\\"msg\\":\\"slow query\\",\\"duration_ms\\":812,\\"stream\\":\\"db\\"}\\n","stream":"stderr","time":"2026-11-20T10:16:03.5Z"}',
    { ts: at(10, 16, 3, 500), level: 4, message: 'slow query', parser: 'json>docker>json' },
    { duration_ms: 812, stream: 'db', _envelope: { stream: 'stderr' } },
  ],
  [
    'ECS around a line stamped in 1999: the harvest time stays, the line time kept',
    '{"@timestamp":"2026-11-20T10:16:03.5Z","agent":{"type":"filebeat"},"message":"1999-12-31 23:59:59 clock not set"}',
    { ts: at(10, 16, 3, 500), message: 'clock not set', parser: 'json>ecs>app-line' },
    { agent: { type: 'filebeat' }, _line_ts: '1999-12-31 23:59:59' },
  ],
  [
    'Fluent Bit tail (date in seconds, log)',
    '{"date":1795169763.5,"log":"plain words from a file"}',
    { ts: at(10, 16, 3, 500), message: 'plain words from a file', parser: 'json>fluent-bit' },
    {},
  ],
  [
    'Fluent Bit with the Kubernetes filter: metadata kept nested',
    '{"@timestamp":"2026-11-20T10:16:03.5Z","log":"2026-11-20T10:16:03.5Z error boom","stream":"stderr","_p":"P","kubernetes":{"pod_name":"api-1","namespace_name":"prod"}}',
    // A lower-case word followed by one space is message text to app-line (`Error connecting…`),
    // not a level column: no level, the text after the stamp is the message.
    { ts: at(10, 16, 3, 500), level: null, message: 'error boom', parser: 'json>fluent-bit>cri>app-line' },
    { stream: 'stderr', cri: { partial: true }, kubernetes: { pod_name: 'api-1', namespace_name: 'prod' } },
  ],
  [
    'Fluent Bit tail of a CRI file without a parser: two envelopes deep',
    '{"date":1795169763.5,"log":"2026-11-20T10:16:03.500000000Z stdout F {\\"level\\":\\"error\\",\\"msg\\":\\"boom\\"}"}',
    { ts: at(10, 16, 3, 500), level: 3, message: 'boom', parser: 'json>fluent-bit>cri>json' },
    { stream: 'stdout' },
  ],
  [
    'Vector file source',
    '{"file":"/var/log/app.log","host":"web-2","message":"2026-11-20T10:16:03Z DEBUG cache warm","source_type":"file","timestamp":"2026-11-20T10:16:03.901Z"}',
    { ts: at(10, 16, 3, 901), host: 'web-2', level: 7, message: 'cache warm', parser: 'json>vector>app-line' },
    { file: '/var/log/app.log', source_type: 'file' },
  ],
  [
    'Logstash json codec, host a string',
    '{"@timestamp":"2026-11-20T10:16:03.000Z","@version":"1","host":"app-3","path":"/var/log/app.log","type":"app","message":"something happened"}',
    { ts: at(10, 16, 3), host: 'app-3', message: 'something happened', parser: 'json>logstash' },
    { '@version': '1', path: '/var/log/app.log', type: 'app' },
  ],
  [
    'Logstash (ECS mode), host an object with more than a name',
    '{"@timestamp":"2026-11-20T10:16:03.000Z","@version":"1","host":{"name":"App-3","ip":["10.0.0.5"]},"log":{"file":{"path":"/var/log/app.log"}},"message":"ok","event":{"original":"ok"}}',
    { host: 'app-3', message: 'ok', parser: 'json>logstash' },
    { '@version': '1', host: { ip: ['10.0.0.5'] }, log: { file: { path: '/var/log/app.log' } } },
  ],
  [
    'ECS with its own fields: process, user, source, level, event kept',
    '{"@timestamp":"2026-11-20T10:16:03.000Z","ecs":{"version":"8.0.0"},"host":{"hostname":"db-1"},"log":{"level":"warning"},"process":{"name":"postgres","pid":77},"user":{"name":"app"},"source":{"ip":"198.51.100.7","port":50522},"event":{"dataset":"postgresql.log"},"message":"connection authorized"}',
    { host: 'db-1', level: 4, process: 'postgres', pid: 77, user: 'app', src_ip: '198.51.100.7', src_port: 50522, message: 'connection authorized', parser: 'json>ecs' },
    { ecs: { version: '8.0.0' }, event: { dataset: 'postgresql.log' } },
  ],
  [
    'Filebeat journald input: the syslog identifier names the program, _COMM (process.name) stays',
    '{"@timestamp":"2026-11-20T10:16:03.123Z","message":"Failed password for invalid user admin from 203.0.113.9 port 51234 ssh2","host":{"hostname":"bastion"},"process":{"name":"sshd-session","pid":1234},"syslog":{"identifier":"sshd","pid":"1234","priority":6,"facility":4},"systemd":{"unit":"ssh.service","transport":"syslog"},"input":{"type":"journald"},"agent":{"type":"filebeat"}}',
    { ts: at(10, 16, 3, 123), host: 'bastion', level: 6, process: 'sshd', pid: 1234, user: 'admin', src_ip: '203.0.113.9', src_port: 51234, message: 'Failed password for invalid user admin from 203.0.113.9 port 51234 ssh2', parser: 'json>ecs>sshd' },
    {
      process: { name: 'sshd-session' },
      syslog: { pid: '1234', facility: 4 },
      systemd: { unit: 'ssh.service', transport: 'syslog' },
      input: { type: 'journald' },
      agent: { type: 'filebeat' },
      ssh: { method: 'password' },
      event: { action: 'login', outcome: 'failure', reason: 'invalid-user' },
    },
  ],
  [
    'ECS around a <PRI> sshd line: the header wins; the shipper host and harvest time kept',
    '{"@timestamp":"2026-11-20T10:16:04.512Z","agent":{"type":"filebeat"},"host":{"name":"shipper-1"},"fields":{"env":"prod"},"message":"<38>Nov 20 10:16:03 bastion sshd[1234]: Failed password for root from 203.0.113.50 port 40022 ssh2"}',
    { ts: at(10, 16, 3), host: 'bastion', level: 6, process: 'sshd', pid: 1234, user: 'root', src_ip: '203.0.113.50', src_port: 40022, message: 'Failed password for root from 203.0.113.50 port 40022 ssh2', parser: 'json>ecs>sshd' },
    {
      agent: { type: 'filebeat' },
      fields: { env: 'prod' },
      facility: 'auth',
      _envelope: { host: 'shipper-1', ts: '2026-11-20T10:16:04.512Z' },
      ssh: { method: 'password' },
      event: { action: 'login', outcome: 'failure' },
    },
  ],
  [
    'ECS around the same <PRI> line read within the second: no disagreement to keep',
    '{"@timestamp":"2026-11-20T10:16:03.200Z","agent":{"type":"filebeat"},"host":{"name":"bastion"},"message":"<38>Nov 20 10:16:03 bastion sshd[1234]: Accepted publickey for deploy from 203.0.113.50 port 40022 ssh2"}',
    { ts: at(10, 16, 3, 200), host: 'bastion', process: 'sshd', user: 'deploy', src_ip: '203.0.113.50', src_port: 40022, parser: 'json>ecs>sshd' },
    { agent: { type: 'filebeat' }, facility: 'auth', ssh: { method: 'publickey' }, event: { action: 'login', outcome: 'success' } },
  ],
])('%s', (_name, line, fields, attributes) => {
  const d = decode(line);
  expect(d.error).toBeNull();
  expect(d.format).toBe('json');
  expect(d).toMatchObject(fields);
  expect(d.attributes).toEqual(attributes);
});

test('the line wins over the envelope for every field both set; the envelope values are kept', () => {
  const fake: LineDecoder = () => {
    const d = newDraft('text');
    Object.assign(d, { host: 'origin', level: 3, process: 'p', pid: 2, user: 'root', src_ip: '203.0.113.1', message: 'inner', parser: 'fake' });
    d.attributes = { event: { action: 'login' }, same: 1 };
    d.tags.push('a');
    return d;
  };
  const d = newDraft('json');
  Object.assign(d, { host: 'shipper', level: 6, process: 'p', pid: 1, user: 'svc', parser: 'json>ecs' });
  d.attributes = { event: { action: 'x', dataset: 'system.auth' }, same: 1 };
  d.tags.push('a', 'b');
  mergeLine(d, 'whatever\r\n', { receivedAt, decodeLine: fake }, false);
  expect(d).toMatchObject({ host: 'origin', level: 3, process: 'p', pid: 2, user: 'root', src_ip: '203.0.113.1', message: 'inner', parser: 'json>ecs>fake', tags: ['a', 'b'] });
  expect(d.attributes).toEqual({
    event: { action: 'login', dataset: 'system.auth' },
    same: 1,
    _envelope: { host: 'shipper', level: 6, pid: 1, user: 'svc', event: { action: 'x' } },
  });
});

test('through normalizeMessage: message is the line part, raw the whole JSON, no duplicate in attributes', () => {
  const text = '{"@timestamp":"2026-11-20T10:16:03.2Z","agent":{"type":"filebeat"},"message":"<86>Nov 20 10:16:03 bastion sudo: pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)"}';
  const ev = normalizeMessage(new TextEncoder().encode(text), { source: { kind: 'kafka', topic: 't', partition: 0, offset: '0' } as never, receivedAt, maxBytes: 1 << 20 });
  expect(ev).toMatchObject({ format: 'json', host: 'bastion', process: 'sudo', level: 6, message: 'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)', raw: text, parse_error: null });
  expect(JSON.stringify(ev.attributes)).not.toContain('session opened');
});
