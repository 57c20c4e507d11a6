import { describe, expect, test } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import type { Threat } from '../../src/core/event.js';
import {
  highestThreat,
  levelLabel,
  MAX_LINE_MESSAGE,
  oneLine,
  plainAlertLine,
  silencedMark,
  plainLogLine,
  shortTime,
  isoTime,
  toTailLine,
} from '../../src/tui/event-line.js';
import { makeEvent, T0 } from '../store/fixtures.js';

const ANSI = /\u001b\[/;

describe('oneLine', () => {
  test.each<[string, string, number, string]>([
    ['empty', '', 10, ''],
    ['plain', 'hello', 10, 'hello'],
    ['exactly max', 'x'.repeat(10), 10, 'x'.repeat(10)],
    ['one over max', 'x'.repeat(11), 10, 'x'.repeat(9) + '…'],
    ['far over max', 'y'.repeat(10_000), 10, 'y'.repeat(9) + '…'],
    ['newlines escaped', 'a\nb\r\nc', 20, 'a\\nb\\r\\nc'],
    ['tab becomes a space', 'a\tb', 10, 'a b'],
    ['escape sequences cannot reach the terminal', '\u001b[31mred\u001b[0m', 40, '\\u001b[31mred\\u001b[0m'],
    ['C1 controls and DEL', 'a\u0085b\u007fc', 40, 'a\\u0085b\\u007fc'],
    ['escaping that pushes past max is cut', '\n'.repeat(6), 10, '\\n\\n\\n\\n\\…'],
    ['a surrogate pair is never split', 'ab😀cd', 4, 'ab…'],
    ['max 0', 'abc', 0, '…'],
  ])('%s', (_n, text, max, out) => {
    const r = oneLine(text, max);
    expect(r).toBe(out);
    expect(r).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect([...r].length).toBeLessThanOrEqual(Math.max(1, max));
  });
});

describe('highestThreat', () => {
  const t = (severity: Threat['severity']): Threat => ({ name: 'x', severity, tags: [], origin: 'message' });
  test.each<[Threat[], string | null]>([
    [[], null],
    [[t('LOW')], 'LOW'],
    [[t('LOW'), t('CRITICAL'), t('HIGH')], 'CRITICAL'],
    [[t('MEDIUM'), t('MEDIUM')], 'MEDIUM'],
  ])('%j', (threats, sev) => {
    expect(highestThreat(threats)).toBe(sev);
  });
});

describe('levelLabel', () => {
  test.each<[number | null, string]>([
    [null, '-     '],
    [0, 'EMERG '],
    [3, 'ERROR '],
    [4, 'WARN  '],
    [5, 'NOTICE'],
    [7, 'DEBUG '],
    [9, '9     '],
  ])('%s', (level, label) => {
    expect(levelLabel(level)).toBe(label);
  });
});

describe('times', () => {
  test.each<[number, string, string]>([
    [T0 + 7_123, '12:00:07.123', '2025-01-15T12:00:07.123Z'],
    [0, '00:00:00.000', '1970-01-01T00:00:00.000Z'],
    [8.64e15 + 1, String(8.64e15 + 1), String(8.64e15 + 1)],
  ])('%s', (ts, short, iso) => {
    expect(shortTime(ts)).toBe(short);
    expect(isoTime(ts)).toBe(iso);
  });
});

describe('toTailLine and plain lines', () => {
  test('keeps what a line shows and nothing more', () => {
    const e = {
      ...makeEvent({ host: 'web-2', level: 3, level_name: 'error', message: 'upstream\ntimed out', threats: [{ name: 'scan', severity: 'HIGH', tags: [], origin: 'message' }] }),
      id: 42,
    };
    const line = toTailLine(e);
    expect(line).toEqual({ id: 42, ts: T0, level: 3, host: 'web-2', format: 'json', topic: 'system-metrics', message: 'upstream\\ntimed out', threat: 'HIGH', parseError: false });
    expect(plainLogLine(line, false)).toBe('2025-01-15T12:00:00.000Z ERROR  web-2 json/system-metrics upstream\\ntimed out [HIGH]');
    const colored = plainLogLine(line, true);
    expect(colored).toMatch(ANSI);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plainLogLine(line, false));
  });

  test('a huge message is cut; no host; a parse error is flagged', () => {
    const e = { ...makeEvent({ host: null, level: null, level_name: null, message: 'z'.repeat(300_000), parse_error: 'bad' }), id: 1 };
    const line = toTailLine(e);
    expect(line.message.length).toBe(MAX_LINE_MESSAGE);
    expect(plainLogLine(line, false)).toMatch(/^2025-01-15T12:00:00.000Z -      - json\/system-metrics z+… \[parse error\]$/);
  });

  test('alert line', () => {
    const a: Alert = {
      id: 12,
      rule_id: 'port-scan',
      severity: 'CRITICAL',
      host: 'web-2',
      title: 'Port scan\u001b[2J on web-2',
      first_seen: T0,
      last_seen: T0 + 1000,
      count: 3,
      sample_event_ids: [1],
      state: 'open',
      dedup_key: 'k',
      state_changed_by: null,
      state_changed_at: null,
      comment: null,
      silenced_by: null,
    };
    expect(plainAlertLine(a, false)).toBe('2025-01-15T12:00:01.000Z ALERT  CRITICAL #12 open web-2 port-scan: Port scan\\u001b[2J on web-2 (x3)');
    expect(plainAlertLine({ ...a, count: 1, host: null }, false)).toBe('2025-01-15T12:00:01.000Z ALERT  CRITICAL #12 open - port-scan: Port scan\\u001b[2J on web-2');
    expect(plainAlertLine(a, true)).toMatch(ANSI);
    // Muted by a silence or a maintenance window: said at the end, escaped like the rest.
    expect(plainAlertLine({ ...a, silenced_by: 'window:patching' }, false)).toBe('2025-01-15T12:00:01.000Z ALERT  CRITICAL #12 open web-2 port-scan: Port scan\\u001b[2J on web-2 (x3) [silenced window:patching]');
    expect(plainAlertLine({ ...a, silenced_by: 'silence:7' }, true)).toMatch(/ \x1b\[2m\[silenced silence:7\]\x1b\[0m$/);
    expect(silencedMark({ silenced_by: 'window:a\nb' })).toBe('[silenced window:a\\nb]');
    expect(silencedMark({ silenced_by: null })).toBe('');
  });
});
