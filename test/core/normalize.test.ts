import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ALIAS_TRIE } from '../../src/core/decode/aliases.js';
import { FORMATS, LEVEL_NAMES, type EventSource, type Format, type NormalizedEvent } from '../../src/core/event.js';
import { normalizeMessage, SUMMARY_MAX_CHARS, type NormalizeOptions } from '../../src/core/normalize.js';

const R = Date.UTC(2024, 0, 2); // receive time
const T = Date.UTC(2024, 0, 1, 12); // 2024-01-01T12:00:00Z
const source: EventSource = { kind: 'kafka', topic: 'logs', partition: 3, offset: '42' };
const enc = (s: string) => new TextEncoder().encode(s);
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

function norm(input: string | Uint8Array | null, o: Partial<NormalizeOptions> = {}): NormalizedEvent {
  const bytes = typeof input === 'string' ? enc(input) : input;
  return normalizeMessage(bytes, { source, receivedAt: R, maxBytes: 65536, ...o });
}

describe('bad input loses nothing', () => {
  test.each<[string, Uint8Array | null, Partial<NormalizeOptions>, Partial<NormalizedEvent>]>([
    ['null (tombstone)', null, {}, { format: 'text', raw: '', message: '', parse_error: 'empty message' }],
    ['zero bytes', new Uint8Array(0), {}, { format: 'text', raw: '', message: '', parse_error: 'empty message' }],
    ['zero bytes, pinned json', new Uint8Array(0), { format: 'json' }, { format: 'json', parse_error: 'empty message' }],
    ['blank', enc(' \n'), {}, { raw: ' \n', parse_error: 'empty message' }],
    [
      'over the cap',
      enc('{"msg":"' + 'x'.repeat(100) + '"}'),
      { maxBytes: 10 },
      { format: 'text', raw: '{"msg":"xx', message: '{"msg":"xx', raw_truncated: true, parse_error: 'message of 110 bytes exceeds cap of 10 bytes' },
    ],
    [
      'over the cap, cut before a split character',
      enc('ab€€'),
      { maxBytes: 4, format: 'logfmt' },
      { format: 'logfmt', raw: 'ab', raw_truncated: true, parse_error: 'message of 8 bytes exceeds cap of 4 bytes' },
    ],
    [
      'exactly at the cap is not cut',
      enc('abcd'),
      { maxBytes: 4 },
      { raw: 'abcd', raw_truncated: false, parse_error: null },
    ],
    [
      'invalid UTF-8 is replaced and still decoded',
      new Uint8Array([...enc('{"msg":"a'), 0xff, ...enc('b","host":"h"}')]),
      {},
      { format: 'json', message: 'a\uFFFDb', host: 'h', raw: '{"msg":"a\uFFFDb","host":"h"}', parse_error: 'invalid UTF-8 at byte 9 (replaced with U+FFFD)' },
    ],
    [
      'invalid UTF-8 and a parse failure: both reported',
      new Uint8Array([...enc('{"msg":'), 0xc0]),
      {},
      { format: 'json', raw: '{"msg":\uFFFD', message: '{"msg":\uFFFD' },
    ],
    [
      'pinned json, invalid',
      enc('{"a": nope}'),
      { format: 'json' },
      { format: 'json', message: '{"a": nope}', raw: '{"a": nope}', attributes: {} },
    ],
    [
      'pinned syslog5424 on a 3164 line',
      enc('<13>Jan  1 00:00:00 h a: m'),
      { format: 'syslog5424' },
      { format: 'syslog5424', message: '<13>Jan  1 00:00:00 h a: m', parse_error: "syslog5424: invalid VERSION 'Jan' at column 5" },
    ],
  ])('%s', (_name, bytes, o, expected) => {
    const e = norm(bytes, o);
    expect(e).toMatchObject({ ts: R, ts_fallback: true, received_at: R, source, ...expected });
  });

  test('parse errors name the format and position', () => {
    expect(norm('{"a": nope}', { format: 'json' }).parse_error).toMatch(/^json: .*position 6/);
    expect(norm(new Uint8Array([...enc('{"msg":'), 0xc0])).parse_error).toMatch(/^invalid UTF-8 at byte 7 \(replaced with U\+FFFD\); json: /);
  });
});

describe('the seed example', () => {
  test('maps with no field lost', () => {
    const text =
      '{"timestamp":"2024-01-01T12:00:00Z","host":"web-01","cpu_usage":93.5,"memory_usage":{"used":7.2e9,"total":8e9,"percentage":90},"threats":[{"name":"x","severity":"HIGH","tags":["malware"]}]}';
    expect(norm(text)).toEqual({
      ts: T,
      ts_fallback: false,
      received_at: R,
      source,
      format: 'json',
      host: 'web-01',
      level: null,
      level_name: null,
      message: text,
      metrics: { cpu_pct: 93.5, mem_used: 7.2e9, mem_total: 8e9, mem_pct: 90 },
      process: null,
      pid: null,
      user: null,
      src_ip: null,
      dst_ip: null,
      src_port: null,
      dst_port: null,
      domain: null,
      file_hash: null,
      threats: [{ name: 'x', severity: 'HIGH', tags: ['malware'], origin: 'message' }],
      tags: [],
      asset: null,
      attributes: {},
      raw: text,
      raw_truncated: false,
      parse_error: null,
    });
  });
});

describe('one example per format', () => {
  test.each<[string, string, Partial<NormalizedEvent>]>([
    [
      'json',
      '{"@timestamp":"2024-01-01T12:00:00.5Z","hostname":"API-1","level":"warn","msg":"slow","user":"bob","src_ip":"10.0.0.1","dst_port":443,"duration_ms":812}',
      { format: 'json', ts: T + 500, host: 'api-1', level: 4, level_name: 'warning', message: 'slow', user: 'bob', src_ip: '10.0.0.1', dst_port: 443, attributes: { duration_ms: 812 } },
    ],
    [
      'syslog5424',
      '<165>1 2024-01-01T13:00:00+01:00 host.example.com. app 77 ID1 [x@1 k="v"] hello',
      { format: 'syslog5424', ts: T, host: 'host.example.com', level: 5, level_name: 'notice', process: 'app', pid: 77, message: 'hello', attributes: { facility: 'local4', msgid: 'ID1', sd: { 'x@1': { k: 'v' } } } },
    ],
    [
      'syslog3164',
      '<38>Jan  1 12:00:00 gw sshd[9]: Failed password for root from 10.1.1.1',
      { format: 'syslog3164', ts: T, host: 'gw', level: 6, level_name: 'info', process: 'sshd', pid: 9, message: 'Failed password for root from 10.1.1.1', attributes: { facility: 'auth' } },
    ],
    [
      'cef',
      'CEF:0|Acme|IDS|2.1|4711|Port scan|7|src=10.0.0.9 dst=10.0.0.1 dpt=22 rt=1704110400000 dvchost=ids-1 act=alert',
      {
        format: 'cef', ts: T, host: 'ids-1', level: 3, level_name: 'error', message: 'Port scan', src_ip: '10.0.0.9', dst_ip: '10.0.0.1', dst_port: 22,
        threats: [{ name: 'Port scan', severity: 'HIGH', tags: [], origin: 'message' }],
      },
    ],
    [
      'logfmt',
      'time=2024-01-01T12:00:00Z level=error msg="db down" host=db-1 cpu=12.5 tags=a,b',
      { format: 'logfmt', ts: T, level: 3, message: 'db down', host: 'db-1', metrics: { cpu_pct: 12.5 }, tags: ['a', 'b'], attributes: {} },
    ],
    [
      'text',
      '2024-01-01T12:00:00Z ERROR out of memory',
      // An application line (recognize/app-line.ts): the message is what follows its header.
      { format: 'text', ts: T, level: 3, level_name: 'error', message: 'out of memory', attributes: {} },
    ],
  ])('%s', (_name, text, expected) => {
    const e = norm(text);
    expect(e).toMatchObject({ ts_fallback: false, parse_error: null, raw: text, ...expected });
  });
});

describe('timestamps', () => {
  test.each<[string, string, number, boolean, unknown]>([
    ['ISO', '{"ts":"2024-01-01T12:00:00Z"}', T, false, undefined],
    ['epoch seconds', '{"ts":1704110400}', T, false, undefined],
    ['epoch seconds with fraction', '{"ts":1704110400.123}', T + 123, false, undefined],
    ['epoch ms', '{"ts":1704110400000}', T, false, undefined],
    ['epoch µs', '{"ts":1704110400000000}', T, false, undefined],
    ['epoch ns as string', '{"ts":"1704110400000000000"}', T, false, undefined],
    ['missing', '{"a":1}', R, true, undefined],
    ['before 2000', '{"ts":"1999-12-31T23:59:59Z"}', R, true, '1999-12-31T23:59:59Z'],
    ['epoch 0', '{"ts":0}', R, true, 0],
    ['two days ahead', '{"ts":"2024-01-04T00:00:00Z"}', R, true, '2024-01-04T00:00:00Z'],
    ['just under a day ahead', '{"ts":"2024-01-02T23:59:59Z"}', Date.UTC(2024, 0, 2, 23, 59, 59), false, undefined],
    ['syslog unparseable', '<13>1 not-a-time h a - - - m', R, true, 'not-a-time'],
    ['syslog absurd', '<13>1 1970-01-01T00:00:00Z h a - - - m', R, true, '1970-01-01T00:00:00Z'],
    ['CEF rt absurd', 'CEF:0|V|P|1|s|N|1|rt=5', R, true, '5'],
  ])('%s', (_name, text, ts, fallback, original) => {
    const e = norm(text);
    expect(e.ts).toBe(ts);
    expect(e.ts_fallback).toBe(fallback);
    expect(e.attributes._original_ts).toEqual(original);
  });

  test('an unparseable JSON timestamp stays under its own key', () => {
    const e = norm('{"timestamp":"tomorrow-ish"}');
    expect(e).toMatchObject({ ts: R, ts_fallback: true, attributes: { timestamp: 'tomorrow-ish' } });
    expect(e.attributes).not.toHaveProperty('_original_ts');
  });

  test('maxFutureSkewMs is honoured', () => {
    expect(norm('{"ts":"2024-01-02T00:01:00Z"}', { maxFutureSkewMs: 30_000 }).ts_fallback).toBe(true);
    expect(norm('{"ts":"2024-01-02T00:01:00Z"}', { maxFutureSkewMs: 120_000 }).ts_fallback).toBe(false);
  });
});

describe('levels through the normalizer', () => {
  test.each<[unknown, number]>([
    ['emerg', 0], ['alert', 1], ['crit', 2], ['fatal', 2], ['err', 3], ['ERROR', 3], ['warn', 4], ['WARNING', 4],
    ['notice', 5], ['info', 6], ['debug', 7], ['trace', 7], [3, 3], [30, 6], [50, 3], ['6', 6],
  ])('level %j → %i with its name', (value, level) => {
    const e = norm(JSON.stringify({ level: value }));
    expect(e.level).toBe(level);
    expect(e.level_name).toBe(LEVEL_NAMES[level]);
    expect(e.attributes).toEqual({});
  });
});

describe('message', () => {
  test('a structured message without a message key is summarised by its text', () => {
    expect(norm(' {"a":1} \n').message).toBe('{"a":1}');
    const long = JSON.stringify({ a: 'x'.repeat(5000) });
    expect(norm(long).message).toBe(long.slice(0, SUMMARY_MAX_CHARS));
  });

  test('the summary does not split a surrogate pair', () => {
    const text = JSON.stringify({ a: 'x'.repeat(SUMMARY_MAX_CHARS - 7) + '😀' });
    expect(norm(text).message).toBe(text.slice(0, SUMMARY_MAX_CHARS - 1));
  });
});

describe('documents a shipper sent (source kind es-bulk)', () => {
  const esBulk: EventSource = { kind: 'es-bulk', topic: 'logs-generic-default', partition: -1, offset: null };
  const line = '{"message":"Dec  1 12:00:01 web1 sshd[812]: Failed password for root from 203.0.113.9 port 52144 ssh2"}';

  test('a plain document\'s message is a line: its syslog header and the sshd text are read', () => {
    const e = norm(line, { source: esBulk });
    expect([e.host, e.process, e.pid, e.src_ip, e.user, e.message]).toEqual(['web1', 'sshd', 812, '203.0.113.9', 'root', 'Failed password for root from 203.0.113.9 port 52144 ssh2']);
  });

  test('from Kafka the same document stays plain JSON (its message is not read as a line)', () => {
    const e = norm(line);
    expect([e.host, e.process, e.src_ip]).toEqual([null, null, null]);
  });

  test('an ECS document gives the same event from either source', () => {
    const ecs = JSON.stringify({ '@timestamp': '2024-01-01T12:00:00Z', message: 'Accepted publickey for bob from 10.0.0.5 port 50022 ssh2', host: { name: 'web2' }, process: { name: 'sshd', pid: 99 }, log: { level: 'info' } });
    const { source: _a, ...viaEs } = norm(ecs, { source: esBulk });
    const { source: _b, ...viaKafka } = norm(ecs);
    expect(viaEs).toEqual(viaKafka);
    expect([viaEs.host, viaEs.user, viaEs.src_ip, viaEs.ts]).toEqual(['web2', 'bob', '10.0.0.5', T]);
  });
});

describe('properties', () => {
  const formatArb = fc.constantFrom<Format | 'auto'>('auto', ...FORMATS);

  function checkInvariants(e: NormalizedEvent, bytes: Uint8Array, maxBytes: number): void {
    expect(Number.isFinite(e.ts)).toBe(true);
    expect(FORMATS).toContain(e.format);
    expect(lenient.decode(bytes).startsWith(e.raw)).toBe(true);
    expect(e.raw_truncated).toBe(bytes.length > maxBytes);
    if (!e.raw_truncated) expect(e.raw).toBe(lenient.decode(bytes));
    expect(e.level === null || (Number.isInteger(e.level) && e.level >= 0 && e.level <= 7)).toBe(true);
    expect(e.level_name).toBe(e.level === null ? null : LEVEL_NAMES[e.level]);
    expect(typeof e.message).toBe('string');
    expect(e.parse_error === null || typeof e.parse_error === 'string').toBe(true);
    expect(() => JSON.stringify(e)).not.toThrow();
  }

  test('arbitrary bytes: never throws, raw is a prefix of the text, ts finite', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 700 }), formatArb, (bytes, maxBytes, format) => {
        const e = norm(bytes, { maxBytes, format });
        checkInvariants(e, bytes, maxBytes);
      }),
      { numRuns: 400 },
    );
  });

  test('arbitrary strings (full Unicode): raw is the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), formatArb, (s, format) => {
        const bytes = enc(s);
        const e = norm(bytes, { format });
        checkInvariants(e, bytes, 65536);
        expect(e.raw).toBe(lenient.decode(bytes));
      }),
      { numRuns: 400 },
    );
  });

  test('strings that start like a known format', () => {
    const prefix = fc.constantFrom(
      '{"', '[', '<13>1 ', '<34>Oct 11 22:14:15 ', '<999>', 'CEF:0|', 'Jan  1 00:00:00 h CEF:1|', 'a=1 b="', '2024-01-01T',
      // line recognizers (src/core/recognize/)
      'Nov 20 10:16:03 h p[1]', '2026-11-20T10:16:03Z h ', '1.2.3.4 - - [20/Nov/2026:10:16:03 +0000] "', '2026-11-20 10:16:03 10.0.0.5 GET ',
      '1763633763.779 ', '[Sun Dec 04 04:47:44 2005] [', '03-17 16:13:38.811  1 ', '081109 203615 ', '- 1117838570 2005.06.03 n ',
      'I1120 10:16:03.1 ', 'I, [2026-11-20T10:16:03 #', 'WARNING:', '20171223-22:15:29:6|', '17/06/09 20:10:40 ', 'x.log ',
    );
    const tail = fc.string({ unit: fc.constantFrom('|', '=', '\\', '"', ']', '[', ' ', 'a', '1', ':', '-', '{', '}', ','), maxLength: 80 });
    fc.assert(
      fc.property(prefix, tail, formatArb, (p, t, format) => {
        const bytes = enc(p + t);
        checkInvariants(norm(bytes, { format }), bytes, 65536);
      }),
      { numRuns: 1000 },
    );
  });

  test('arbitrary JSON values: never throw; objects decode without error', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const bytes = enc(JSON.stringify(v) ?? 'null');
        const e = norm(bytes);
        checkInvariants(e, bytes, 65536);
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
          expect(e.format).toBe('json');
          expect(e.parse_error).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  test('JSON objects without alias keys land in attributes unchanged', () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !ALIAS_TRIE.has(k.toLowerCase()) && k !== '__proto__');
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })), (obj) => {
        const e = norm(JSON.stringify(obj));
        expect(e.attributes).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
      { numRuns: 300 },
    );
  });

  test('JSON objects with alias keys: a key leaves attributes only when its field holds the value', () => {
    const aliasKey = fc.constantFrom(...[...ALIAS_TRIE.keys()]);
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('10.0.0.1', '::1', '2024-01-01T12:00:00Z', 'warn', '93.5', 'a'.repeat(32), 'x,y'),
      fc.integer({ min: -10, max: 70000 }),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.dictionary(aliasKey, value, { maxKeys: 6 }), (obj) => {
        const e = norm(JSON.stringify(obj));
        expect(e.parse_error).toBeNull();
        for (const [k, v] of Object.entries(obj)) {
          if (Object.prototype.hasOwnProperty.call(e.attributes, k)) continue;
          const field = ALIAS_TRIE.get(k.toLowerCase())?.field ?? null;
          expect(field, `${k} consumed without a field`).not.toBeNull();
          expect(holds(e, field!, v), `${k}=${JSON.stringify(v)} consumed but ${field} does not hold it`).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** Whether the event's field carries the value a consumed key had. */
function holds(e: NormalizedEvent, field: string, v: unknown): boolean {
  switch (field) {
    case 'ts':
      return !e.ts_fallback || e.attributes._original_ts === v;
    case 'message':
      return e.message === v;
    case 'host':
      return typeof v === 'string' && e.host === v.trim().toLowerCase().replace(/\.+$/, '');
    case 'level':
      return e.level !== null;
    case 'tags':
      return Array.isArray(v) ? v.every((t) => typeof t === 'string' && (t.trim() === '' || e.tags.includes(t.trim()))) : typeof v === 'string';
    case 'threats':
      return Array.isArray(v) && v.length === e.threats.length;
    case 'file_hash':
      return typeof v === 'string' && e.file_hash === v.toLowerCase();
    case 'pid':
    case 'src_port':
    case 'dst_port':
      return e[field] === Number(v);
    case 'process':
    case 'user':
    case 'domain':
    case 'src_ip':
    case 'dst_ip':
      return e[field] === v;
    default:
      return e.metrics[field as keyof NormalizedEvent['metrics']] === Number(String(v).replace('%', ''));
  }
}
