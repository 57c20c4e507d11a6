import { expect, test } from 'vitest';
import { claim, newDraft, type DecodeContext, type LineDecoder } from '../../../src/core/decode/draft.js';
import { readHeader } from '../../../src/core/decode/syslog-3164.js';
import { decodeEnvelope, envelopeOf } from '../../../src/core/recognize/envelope-json.js';

// The shapes as the shippers write them (Filebeat 8 filestream output, Docker's json-file
// driver, journalctl -o json, Fluent Bit's tail/systemd inputs with its json output, Vector's
// file source, Logstash's json codec), and plain JSON that must stay plain.
test.each([
  // plain JSON: no envelope
  ['empty object', {}, null],
  ['bench mix metrics event', { timestamp: '2026-11-20T10:16:03Z', host: 'web-01', cpu_usage: 3.5, process: 'sshd', service: 'node-exporter' }, null],
  ['app JSON with message', { '@timestamp': '2026-11-20T10:16:03Z', level: 'info', message: 'started' }, null],
  ['app JSON with a log string only', { log: 'x', level: 'info' }, null],
  ['ECS marker but no message', { '@timestamp': '2026-11-20T10:16:03Z', ecs: { version: '8.0.0' }, host: { name: 'h' } }, null],
  ['ECS marker, message not a string', { message: { text: 'x' }, agent: { type: 'filebeat' } }, null],
  ['an application\'s user-agent string is no Beat agent', { message: 'GET /', agent: 'Mozilla/5.0 (X11; Linux x86_64)' }, null],
  ['docker stream with a non-string log', { log: 42, stream: 'stdout', time: '2026-11-20T10:16:03Z' }, null],
  ['stream that is not stdout/stderr, no date', { log: 'x', stream: 'stdin' }, null],
  // envelopes
  ['journald', { __REALTIME_TIMESTAMP: '1795169763123456', MESSAGE: 'x' }, ['journald']],
  ['journald MESSAGE only with journald keys', { MESSAGE: [72, 105], _HOSTNAME: 'h' }, ['journald']],
  ['Fluent Bit systemd input', { date: 1795169763.5, MESSAGE: 'x', _HOSTNAME: 'h' }, ['fluent-bit', 'journald']],
  ['Vector journald source', { message: 'x', source_type: 'journald', _HOSTNAME: 'h' }, ['vector', 'journald']],
  ['Docker json-file', { log: 'x\n', stream: 'stdout', time: '2026-11-20T10:16:03.123456789Z' }, ['docker']],
  ['Fluent Bit tail with the docker parser', { date: 1795169763.5, log: 'x\n', stream: 'stderr' }, ['fluent-bit', 'docker']],
  ['Fluent Bit tail with the cri parser', { date: 1795169763.5, time: '2026-11-20T10:16:03.5Z', stream: 'stdout', _p: 'F', log: 'x' }, ['fluent-bit', 'cri']],
  ['Fluent Bit tail', { date: 1795169763.5, log: 'x' }, ['fluent-bit']],
  ['Fluent Bit es output', { '@timestamp': '2026-11-20T10:16:03.5Z', log: 'x' }, ['fluent-bit']],
  ['Vector file source', { message: 'x', source_type: 'file', host: 'h', file: '/var/log/a.log', timestamp: '2026-11-20T10:16:03Z' }, ['vector']],
  ['Filebeat (ecs)', { '@timestamp': '2026-11-20T10:16:03Z', message: 'x', ecs: { version: '8.0.0' } }, ['ecs']],
  ['Filebeat (agent only)', { message: 'x', agent: { type: 'filebeat' } }, ['ecs']],
  ['Filebeat via Logstash (@version and agent)', { '@version': '1', message: 'x', agent: { type: 'filebeat' } }, ['ecs']],
  ['Filebeat-style: @timestamp, message, host object', { '@timestamp': '2026-11-20T10:16:03Z', message: 'x', host: { name: 'b' } }, ['ecs']],
  ['Logstash json codec', { '@timestamp': '2026-11-20T10:16:03Z', '@version': '1', message: 'x', host: 'h', path: '/var/log/a.log' }, ['logstash']],
])('envelopeOf: %s', (_name, record, names) => {
  const env = envelopeOf(record as Record<string, unknown>);
  expect(env === null ? null : env.names).toEqual(names);
});

const receivedAt = Date.UTC(2026, 10, 20, 12);

/**
 * A stand-in for the syslog-file line recognizer (another part of issue 11): the PRI-less
 * `Mmm dd hh:mm:ss host prog[pid]: ` header through the 3164 header reader.
 */
const syslogFile: LineDecoder = (text, ctx) => {
  const d = newDraft('syslog3164');
  const at = readHeader(text, 0, d, ctx);
  if (at === 0) {
    d.format = 'text';
    d.message = text;
    return d;
  }
  d.message = text.slice(at);
  claim(d, 'syslog-file');
  return d;
};

test('ECS around a PRI-less sshd file line: the line header names process, pid, host; the shipper host is kept', () => {
  const record = {
    '@timestamp': '2026-11-20T10:16:04.512Z',
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.11.0' },
    log: { offset: 1234, file: { path: '/var/log/auth.log' } },
    message: 'Nov 20 10:16:03 bastion sshd[1234]: Failed password for root from 203.0.113.50 port 40022 ssh2',
    input: { type: 'filestream' },
    ecs: { version: '8.0.0' },
    host: { name: 'shipper-1' },
    agent: { type: 'filebeat', version: '8.11.0', name: 'shipper-1' },
    event: { original: 'Nov 20 10:16:03 bastion sshd[1234]: Failed password for root from 203.0.113.50 port 40022 ssh2' },
  };
  const d = newDraft('json');
  const ctx: DecodeContext = { receivedAt, decodeLine: syslogFile };
  decodeEnvelope(record, envelopeOf(record)!, d, ctx);
  expect(d).toMatchObject({
    process: 'sshd',
    pid: 1234,
    host: 'bastion',
    ts: Date.UTC(2026, 10, 20, 10, 16, 3),
    message: 'Failed password for root from 203.0.113.50 port 40022 ssh2',
    parser: 'ecs>syslog-file',
  });
  // the envelope's differing values, and everything else it said, stay; the duplicate
  // event.original (the raw line holds it) does not
  expect(d.attributes).toEqual({
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.11.0' },
    log: { offset: 1234, file: { path: '/var/log/auth.log' } },
    input: { type: 'filestream' },
    ecs: { version: '8.0.0' },
    agent: { type: 'filebeat', version: '8.11.0', name: 'shipper-1' },
    _envelope: { host: 'shipper-1', ts: '2026-11-20T10:16:04.512Z' },
  });
});

test('no decodeLine in the context (two envelopes deep): fields mapped, the line is the message as is', () => {
  const record = { log: 'Nov 20 10:16:03 bastion sshd[1]: x\n', stream: 'stdout', time: '2026-11-20T10:16:03.5Z' };
  const d = newDraft('json');
  decodeEnvelope(record, envelopeOf(record)!, d, { receivedAt });
  expect(d).toMatchObject({ message: 'Nov 20 10:16:03 bastion sshd[1]: x', process: null, host: null, ts: Date.UTC(2026, 10, 20, 10, 16, 3, 500) });
  expect(d.attributes).toEqual({ stream: 'stdout' });
});

// A document a shipper sent to the Elasticsearch bulk endpoint (shipped): any string `message`
// or `log` is a line; marker-keyed shapes keep their own name; without a line it stays plain.
test.each([
  ['no message, no log', { level: 'info', n: 1 }, null],
  ['message not a string', { message: { text: 'x' } }, null],
  ['log not a string', { log: 42 }, null],
  ['app JSON with message', { '@timestamp': '2026-11-20T10:16:03Z', level: 'info', message: 'started' }, ['shipped']],
  ['a log string only', { log: 'x', level: 'info' }, ['shipped']],
  ['Fluent Bit es output keeps its name', { '@timestamp': '2026-11-20T10:16:03.5Z', log: 'x' }, ['fluent-bit']],
  ['Filebeat keeps its name', { '@timestamp': '2026-11-20T10:16:03Z', message: 'x', ecs: { version: '8.0.0' } }, ['ecs']],
  ['Logstash keeps its name', { '@version': '1', message: 'x' }, ['logstash']],
])('envelopeOf, shipped: %s', (_name, record, names) => {
  const env = envelopeOf(record as Record<string, unknown>, true);
  expect(env === null ? null : env.names).toEqual(names);
});
