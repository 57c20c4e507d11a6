import { describe, expect, test } from 'vitest';
import { TableWriter, type TableColumn } from '../../../src/cli/output/table.js';
import { displayWidth } from '../../../src/cli/output/text-width.js';

interface Row {
  host: string;
  level: string;
  msg: string;
}

const COLUMNS: TableColumn<Row>[] = [
  { header: 'MESSAGE', value: (r) => r.msg, flex: true, min: 10 },
  { header: 'HOST', value: (r) => r.host, max: 8 },
  { header: 'LEVEL', value: (r) => r.level, max: 9, style: (r) => (r.level === 'error' ? '31' : null) },
];

const row = (host: string, level: string, msg: string): Row => ({ host, level, msg });
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('TableWriter', () => {
  test('an empty first page writes nothing, not even the header', () => {
    expect(new TableWriter(COLUMNS, { width: 80, color: false }).render([])).toBe('');
  });

  test('the flex column goes last and is cut to the terminal width; no line is wider, none ends in spaces', () => {
    const t = new TableWriter(COLUMNS, { width: 40, color: false });
    const out = t.render([row('web-1', 'info', 'x'.repeat(100)), row('db', 'error', 'short')]);
    const lines = out.split('\n').slice(0, -1);
    expect(lines[0]).toBe('HOST   LEVEL  MESSAGE');
    expect(lines[1]).toBe(`web-1  info   ${'x'.repeat(25)}…`);
    expect(lines[2]).toBe('db     error  short');
    for (const l of lines) {
      expect(displayWidth(l)).toBeLessThanOrEqual(40);
      expect(l).not.toMatch(/ $/);
    }
  });

  test('widths are set by the header and the first page (capped by max), then kept: later wider values are cut', () => {
    const t = new TableWriter(COLUMNS, { width: 60, color: false });
    const first = t.render([row('a', 'info', 'm1')]);
    expect(first.split('\n')[1]).toBe('a     info   m1');
    const second = t.render([row('a-very-long-hostname', 'info', 'm2')]);
    expect(second).toBe('a-v…  info   m2\n');
  });

  test('a host wider than max is cut at max on the first page too', () => {
    const t = new TableWriter(COLUMNS, { width: 60, color: false });
    expect(t.render([row('abcdefghijkl', 'info', 'm')]).split('\n')[1]).toBe('abcdefg…  info   m');
  });

  test('width unknown (piped): the message is written whole', () => {
    const t = new TableWriter(COLUMNS, { width: null, color: false });
    const msg = 'y'.repeat(500);
    expect(t.render([row('h', 'info', msg)]).split('\n')[1]).toBe(`h     info   ${msg}`);
  });

  test('a terminal too narrow for the message keeps the message at its minimum width', () => {
    const t = new TableWriter(COLUMNS, { width: 5, color: false });
    expect(t.render([row('h', 'info', 'z'.repeat(30))]).split('\n')[1]).toBe(`h     info   ${'z'.repeat(9)}…`);
  });

  test('control characters in values cannot break the layout or reach the terminal', () => {
    const t = new TableWriter(COLUMNS, { width: null, color: false });
    const out = t.render([row('h\nx', 'info', 'a\x1b[2Jb\nc')]);
    expect(out.split('\n')).toHaveLength(3);
    expect(out).not.toContain('\x1b');
  });

  test('colors: the header bold, styled values colored without their padding; none when off', () => {
    const on = new TableWriter(COLUMNS, { width: null, color: true }).render([row('h', 'error', 'boom')]);
    expect(on.split('\n')[0]).toContain('\x1b[1mHOST');
    expect(on.split('\n')[1]).toBe('h     \x1b[31merror\x1b[0m  boom');
    expect(strip(on)).toBe(new TableWriter(COLUMNS, { width: null, color: false }).render([row('h', 'error', 'boom')]));
    expect(new TableWriter(COLUMNS, { width: null, color: false }).render([row('h', 'error', 'boom')])).not.toContain('\x1b');
  });
});
