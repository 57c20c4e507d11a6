import { describe, expect, test } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { alertDetailLines, eventDetailLines, wrap } from '../../src/tui/detail-lines.js';
import { makeEvent, T0 } from '../store/fixtures.js';

const text = (lines: { text: string }[]) => lines.map((l) => l.text);

describe('wrap', () => {
  test.each<[string, number, string[]]>([
    ['', 5, ['']],
    ['abc', 5, ['abc']],
    ['abcde', 5, ['abcde']],
    ['abcdef', 5, ['abcde', 'f']],
    ['abcdef', 0, ['a', 'b', 'c', 'd', 'e', 'f']],
    ['😀😀😀', 2, ['😀😀', '😀']],
  ])('%j at %s', (s, w, out) => {
    expect(wrap(s, w)).toEqual(out);
  });
});

const alert: Alert = {
  id: 3,
  rule_id: 'port-scan',
  severity: 'HIGH',
  host: 'web-2',
  title: 'Port scan tool nc on web-2',
  first_seen: T0,
  last_seen: T0 + 60_000,
  count: 2,
  sample_event_ids: [7, 9],
  state: 'acknowledged',
  dedup_key: 'port-scan|web-2',
  state_changed_by: 'ana',
  state_changed_at: T0 + 120_000,
  comment: 'looking',
  silenced_by: null,
};

describe('eventDetailLines', () => {
  test('every part of the event, its alerts and the raw text', () => {
    const e = {
      ...makeEvent({
        host: 'web-2',
        level: 3,
        level_name: 'error',
        message: 'line one\nline two',
        process: 'nc',
        pid: 99,
        user: 'root',
        src_ip: '10.0.0.1',
        src_port: 4444,
        dst_ip: '10.0.0.9',
        dst_port: null,
        tags: ['prod', 'edge'],
        metrics: { cpu_pct: 93.5 },
        threats: [{ name: 'port-scan', severity: 'HIGH', tags: ['recon'], origin: 'message' }],
        attributes: { http: { status: 502 } },
        raw: 'RAW-TEXT-' + 'r'.repeat(150),
        raw_truncated: true,
        parse_error: null,
      }),
      id: 7,
    };
    const lines = text(eventDetailLines({ event: e, alerts: [alert] }, 80));
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    const all = lines.join('\n');
    expect(lines[0]).toBe('Event #7');
    expect(all).toContain('2025-01-15T12:00:00.000Z');
    expect(all).toMatch(/level\s+error \(3\)/);
    expect(all).toMatch(/source\s+kafka system-metrics\[0\]@\d+/);
    expect(all).toMatch(/process\s+nc \[99\]/);
    expect(all).toMatch(/network\s+10\.0\.0\.1:4444 -> 10\.0\.0\.9/);
    expect(all).toMatch(/tags\s+prod, edge/);
    expect(all).toMatch(/metrics\s+cpu_pct=93.5/);
    expect(lines).toContain('  line one');
    expect(lines).toContain('  line two');
    expect(all).toContain('HIGH port-scan [recon] from the message');
    expect(all).toContain('Alerts (1)');
    expect(all).toContain('#3 HIGH acknowledged web-2 port-scan: Port scan tool nc on web-2 (x2)');
    expect(all).toContain('"status": 502');
    expect(all).toContain('Raw (cut at the size limit)');
    expect(all).toContain('  RAW-TEXT-');
    // The raw text is wrapped, not cut.
    expect(lines.filter((l) => /^ {2}r+$/.test(l)).length).toBeGreaterThan(0);
  });

  test('a minimal event: no alerts, no attributes, no raw, a parse error', () => {
    const { raw: _raw, ...e } = { ...makeEvent({ host: null, level: null, level_name: null, parse_error: 'CEF header has 2 fields' }), id: 1 };
    const all = text(eventDetailLines({ event: e, alerts: [] }, 60)).join('\n');
    expect(all).toMatch(/host\s+-/);
    expect(all).toMatch(/parse error\s+CEF header has 2 fields/);
    expect(all).toMatch(/Alerts \(0\)\n {2}none/);
    expect(all).toMatch(/Attributes \(0\)\n {2}none/);
    expect(all).toContain('(not available)');
  });

  test('a huge raw text is bounded', () => {
    const e = { ...makeEvent({ raw: 'x\n'.repeat(100_000) }), id: 1 };
    const lines = eventDetailLines({ event: e, alerts: [] }, 80);
    expect(lines.length).toBeLessThan(2100);
    expect(lines[lines.length - 1]!.text).toContain('not shown');
  });
});

describe('alertDetailLines', () => {
  test('every field', () => {
    const all = text(alertDetailLines(alert, 100)).join('\n');
    expect(all).toContain('Alert #3');
    expect(all).toMatch(/severity\s+HIGH/);
    expect(all).toMatch(/state\s+acknowledged/);
    expect(all).toMatch(/changed\s+2025-01-15T12:02:00.000Z by ana/);
    expect(all).toMatch(/comment\s+looking/);
    expect(all).toMatch(/events\s+#7 #9/);
  });

  test('silenced: by what, and that it was not notified; absent otherwise', () => {
    expect(text(alertDetailLines({ ...alert, silenced_by: 'silence:4' }, 100)).join('\n')).toMatch(/silenced\s+silence:4 \(stored, not notified\)/);
    expect(text(alertDetailLines(alert, 100)).join('\n')).not.toContain('silenced');
  });

  test('never changed, no samples', () => {
    const all = text(alertDetailLines({ ...alert, state_changed_at: null, state_changed_by: null, comment: null, sample_event_ids: [] }, 100)).join('\n');
    expect(all).not.toContain('changed');
    expect(all).toMatch(/events\s+-/);
  });
});
