import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import type { Format } from '../../../src/core/event.js';
import { normalizeMessage, normalizeMessageWithTrace } from '../../../src/core/normalize.js';
import { compileExtractors, type ExtractorConfig, type ExtractorSet, type ExtractorSpec } from '../../../src/core/recognize/extractors.js';

const receivedAt = Date.UTC(2026, 10, 20, 12, 0, 0);

function set(extractors: ExtractorSpec[], patterns: Record<string, string> = {}): ExtractorSet {
  const r = compileExtractors({ patterns, extractors });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.set;
}

function decode(text: string, extractors: ExtractorSet, opts: { topic?: string; format?: Format | 'auto' } = {}) {
  return decodeByFormat(text, opts.format ?? 'auto', { receivedAt, extractors, topic: opts.topic ?? 'app-logs' });
}

describe('compileExtractors: problems name the extractor, the key and the fix', () => {
  test.each<[string, ExtractorConfig, { index: number; key: string; message: string }]>([
    ['neither regex nor grok', { patterns: {}, extractors: [{ name: 'a' }] }, { index: 0, key: 'regex', message: 'give exactly one of regex' }],
    ['both regex and grok', { patterns: {}, extractors: [{ name: 'a', regex: 'x', grok: 'y' }] }, { index: 0, key: 'regex', message: 'give exactly one of regex' }],
    ['an invalid regex', { patterns: {}, extractors: [{ name: 'a', regex: '(?<user>[a-' }] }, { index: 0, key: 'regex', message: 'not a valid regular expression' }],
    ['an unknown grok pattern', { patterns: {}, extractors: [{ name: 'b', grok: '%{IPADDR:src_ip}' }] }, { index: 0, key: 'grok', message: 'unknown pattern %{IPADDR}' }],
    ['a bad group name', { patterns: {}, extractors: [{ name: 'a', regex: '(?<src ip>x)' }] }, { index: 0, key: 'regex', message: 'group name "src ip" is not a field name' }],
    ['a pattern capturing nothing', { patterns: {}, extractors: [{ name: 'a', regex: 'hello' }] }, { index: 0, key: 'regex', message: 'captures nothing and sets no fields' }],
    ['a bad constant field', { patterns: {}, extractors: [{ name: 'a', regex: '(?<user>x)', fields: { 'event..action': 'x' } }] }, { index: 0, key: 'fields', message: '"event..action" is not a field name' }],
    ['a duplicate name', { patterns: {}, extractors: [{ name: 'a', regex: '(?<user>x)' }, { name: 'a', regex: '(?<user>y)' }] }, { index: 1, key: 'name', message: 'duplicate extractor name "a"' }],
    ['a bad pattern name', { patterns: { lower: 'x' }, extractors: [] }, { index: -1, key: 'patterns', message: 'must be upper-case letters' }],
  ])('%s', (_n, cfg, expected) => {
    const r = compileExtractors(cfg);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ index: expected.index, key: expected.key });
    expect(r.problems[0]!.message).toContain(expected.message);
  });
});

describe('line extractors', () => {
  const login = set(
    [
      {
        name: 'myapp-login',
        topics: ['app-logs'],
        grok: '^%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} login failed for %{USER:user} from %{IP:src_ip} port %{INT:src_port} in %{NUMBER:took_ms:float}ms id=%{MYAPP_ID:myapp.request_id}',
        fields: { 'event.action': 'login', 'event.outcome': 'failure' },
      },
    ],
    { MYAPP_ID: '[A-Z]{3}-[0-9]+' },
  );
  const line = '2026-11-20T10:16:03Z WARN login failed for alice from 203.0.113.50 port 40022 in 12.5ms id=REQ-77';

  test('a match sets typed top-level fields, nested attributes and constant fields, and claims the line', () => {
    const d = decode(line, login);
    expect(d).toMatchObject({
      format: 'text',
      parser: 'extractor:myapp-login',
      ts: Date.UTC(2026, 10, 20, 10, 16, 3),
      level: 4,
      user: 'alice',
      src_ip: '203.0.113.50',
      src_port: 40022,
      message: line,
      error: null,
    });
    expect(d.attributes).toEqual({ took_ms: 12.5, myapp: { request_id: 'REQ-77' }, event: { action: 'login', outcome: 'failure' } });
  });

  // The built-in recognizers still read the line (the application line's stamp and level), but
  // nothing of the extractor: no claim by it, no user.
  test.each([
    ['another topic', { topic: 'other' }, 'app-line'],
    ['a line that does not match', { line: 'hello world' }, null],
  ])('out of scope: %s → built-in decoding, no extractor claim', (_n, o: { topic?: string; line?: string }, parser) => {
    const d = decode(o.line ?? line, login, { topic: o.topic ?? 'app-logs' });
    expect(d.parser).toBe(parser);
    expect(d.user).toBeNull();
    expect(d.attributes).not.toHaveProperty('event');
  });

  test('a value that does not fit its field stays in attributes under the same name', () => {
    const x = set([{ name: 'x', regex: '^from (?<src_ip>\\S+) port (?<src_port>\\S+)$' }]);
    const d = decode('from gateway port 99999', x);
    expect(d.src_ip).toBeNull();
    expect(d.src_port).toBeNull();
    expect(d.attributes).toEqual({ src_ip: 'gateway', src_port: '99999' });
  });

  test('a message capture becomes the message; a program it names goes through the program stage', () => {
    const x = set([
      { name: 'custom-header', regex: '^\\[(?<host>[^\\]]+)\\] (?<process>\\w+): (?<message>.*)$' },
      { name: 'custom-prog', programs: ['Worker'], grok: 'job %{WORD:job.name} took %{INT:job.ms:int}' },
    ]);
    const d = decode('[node-7] worker: job resize took 420', x);
    expect(d).toMatchObject({ host: 'node-7', process: 'worker', message: 'job resize took 420', parser: 'extractor:custom-header>extractor:custom-prog' });
    expect(d.attributes).toEqual({ job: { name: 'resize', ms: 420 } });
  });

  test('it runs before JSON and syslog and wins where it matches', () => {
    const x = set([{ name: 'json-ish', regex: '^\\{"u":"(?<user>\\w+)"' }]);
    const d = decode('{"u":"bob","x":1}', x);
    expect(d).toMatchObject({ format: 'text', user: 'bob', parser: 'extractor:json-ish' });
  });

  test('formats narrows to the topic format setting', () => {
    const x = set([{ name: 'pinned', formats: ['text'], regex: '^user=(?<user>\\w+)' }]);
    expect(decode('user=carol', x, { format: 'auto' }).user).toBeNull();
    expect(decode('user=carol', x, { format: 'text' }).user).toBe('carol');
  });
});

describe('program extractors run on the message after the built-in decoder', () => {
  const x = set([{ name: 'app-audit', programs: ['myapp'], regex: 'granted (?<user.target.name>\\w+) to (?<user>\\w+)', fields: { 'event.action': 'grant' } }]);

  test.each<[string, string, string | null]>([
    ['RFC 3164 with PRI', '<86>Nov 20 10:16:03 bastion myapp[77]: granted admin to dave', 'dave'],
    ['RFC 5424', '<86>1 2026-11-20T10:16:03Z bastion myapp 77 - - granted admin to dave', 'dave'],
    ['JSON with a program', '{"program":"myapp","msg":"granted admin to dave"}', 'dave'],
    ['another program', '<86>Nov 20 10:16:03 bastion other[77]: granted admin to dave', null],
  ])('%s', (_n, text, user) => {
    const d = decode(text, x);
    expect(d.user).toBe(user);
    if (user !== null) {
      expect(d.parser).toMatch(/extractor:app-audit$/);
      expect((d.attributes.user as { target: { name: string } }).target.name).toBe('admin');
      expect((d.attributes.event as { action: string }).action).toBe('grant');
    }
  });
});

describe('normalizeMessage', () => {
  const x = set([{ name: 'kv', regex: '^user (?<user>\\w+) from (?<src_ip>\\S+)$' }]);
  const opts = { source: { kind: 'file', topic: 't', partition: -1, offset: null }, receivedAt, maxBytes: 65536, extractors: x };

  test('passes the topic and the extractors to the decoder; the trace names the parser', () => {
    const { event, trace } = normalizeMessageWithTrace(Buffer.from('user eve from 198.51.100.7'), opts);
    expect(trace.parser).toBe('extractor:kv');
    expect(event).toMatchObject({ user: 'eve', src_ip: '198.51.100.7', format: 'text', ts: receivedAt, ts_fallback: true });
  });

  test('without extractors the same line is plain text, and the trace says no parser claimed it', () => {
    const { extractors: _, ...none } = opts;
    const { event, trace } = normalizeMessageWithTrace(Buffer.from('user eve from 198.51.100.7'), none);
    expect(trace.parser).toBeNull();
    expect(event.user).toBeNull();
    expect(normalizeMessage(Buffer.from('user eve from 198.51.100.7'), none)).toEqual(event);
  });
});
