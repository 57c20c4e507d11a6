import { describe, expect, test } from 'vitest';
import type { Framing } from '../../src/config/sections/listeners.js';
import { SyslogFramer } from '../../src/listen/syslog-framing.js';

interface Case {
  name: string;
  input: string | Buffer;
  framing?: Framing;
  max?: number;
  frames: string[];
  truncated?: number;
  errors?: number;
  mode?: 'octet-counting' | 'lf' | null;
}

/** Runs the whole input as one chunk, then end(). */
function run(input: Buffer, framing: Framing, max: number, chunks: Buffer[] = [input]) {
  const f = new SyslogFramer({ framing, maxBytes: max });
  const frames: string[] = [];
  for (const c of chunks) for (const fr of f.push(c)) frames.push(fr.toString('latin1'));
  const modeBeforeEnd = f.mode;
  for (const fr of f.end()) frames.push(fr.toString('latin1'));
  return { frames, truncated: f.truncated, errors: f.errors, mode: modeBeforeEnd };
}

const M1 = '<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - BOM\'su root\' failed';
const M2 = "<13>Oct 11 22:14:15 host sshd[1]: Failed password for root";

const cases: Case[] = [
  // edges first
  { name: 'empty stream', input: '', frames: [], mode: null },
  { name: 'only separators', input: '\n\r\n\0\n', frames: [], mode: null },
  { name: 'a single byte', input: 'x', frames: ['x'], mode: 'lf' },
  { name: 'a lone digit at the end is delivered, counted as a cut-off header', input: '7', frames: ['7'], errors: 1, mode: 'octet-counting' },
  // LF framing
  { name: 'LF: two lines', input: `${M1}\n${M2}\n`, frames: [M1, M2], mode: 'lf' },
  { name: 'LF: CRLF line ends and blank lines', input: `${M1}\r\n\r\n\n${M2}\r\n`, frames: [M1, M2] },
  { name: 'LF: an unterminated last line is a message', input: `${M1}\n${M2}`, frames: [M1, M2] },
  { name: 'LF: a later line starting with a number stays one line', input: `${M2}\n12 apples and more\n`, frames: [M2, '12 apples and more'], mode: 'lf' },
  { name: 'LF: a line of exactly max bytes is whole', input: `${'a'.repeat(16)}\nb\n`, max: 16, frames: ['a'.repeat(16), 'b'] },
  { name: 'LF: a line longer than max is cut and the rest skipped', input: `${'a'.repeat(20)}\nb\n`, max: 16, frames: ['a'.repeat(16), 'b'], truncated: 1 },
  { name: 'LF: pinned, even when the first byte is a digit', input: '5 abcde\n', framing: 'lf', frames: ['5 abcde'], mode: 'lf' },
  // octet counting
  { name: 'octet: two frames', input: `${M1.length} ${M1}${M2.length} ${M2}`, frames: [M1, M2], mode: 'octet-counting' },
  { name: 'octet: frames may contain LF', input: '11 line1\nline2', frames: ['line1\nline2'] },
  { name: 'octet: LF trailer between frames is skipped', input: '3 abc\n3 def\n', frames: ['abc', 'def'] },
  { name: 'octet: a frame longer than max is cut, the rest skipped, framing kept', input: `20 ${'x'.repeat(20)}3 end`, max: 16, frames: ['x'.repeat(16), 'end'], truncated: 1 },
  { name: 'octet: a frame cut off by the end of the stream is delivered and counted', input: '10 abc', frames: ['abc'], errors: 1 },
  { name: 'octet: only a header at the end', input: '10 ', frames: [], errors: 1 },
  { name: 'octet: garbage header becomes a line; the next frame decides again', input: '12x garbage\n3 abc', frames: ['12x garbage', 'abc'], errors: 1, mode: 'octet-counting' },
  { name: 'octet pinned: a leading zero is malformed', input: '0 abc\n2 ok', framing: 'octet-counting', frames: ['0 abc', 'ok'], errors: 1 },
  { name: 'octet pinned: no digit at all', input: '<13>hello\n5 world', framing: 'octet-counting', frames: ['<13>hello', 'world'], errors: 1 },
  { name: 'octet: ten digits is not a length', input: '1234567890 abc\n', frames: ['1234567890 abc'], errors: 1 },
  { name: 'auto: first byte < means LF framing for the connection', input: '<13>a\n<13>b\n', frames: ['<13>a', '<13>b'], mode: 'lf' },
  { name: 'auto: leading zero means LF framing', input: '0 abc\n', frames: ['0 abc'], mode: 'lf' },
];

describe('SyslogFramer', () => {
  test.each(cases)('$name', (c) => {
    const input = Buffer.isBuffer(c.input) ? c.input : Buffer.from(c.input, 'latin1');
    const r = run(input, c.framing ?? 'auto', c.max ?? 1024);
    expect(r.frames).toEqual(c.frames);
    expect(r.truncated).toBe(c.truncated ?? 0);
    expect(r.errors).toBe(c.errors ?? 0);
    if (c.mode !== undefined) expect(r.mode).toBe(c.mode);
  });

  test.each(cases)('split at every byte and one byte at a time gives the same: $name', (c) => {
    const input = Buffer.isBuffer(c.input) ? c.input : Buffer.from(c.input, 'latin1');
    const whole = run(input, c.framing ?? 'auto', c.max ?? 1024);
    for (let at = 0; at <= input.length; at++) {
      expect(run(input, c.framing ?? 'auto', c.max ?? 1024, [input.subarray(0, at), input.subarray(at)]), `split at ${at}`).toEqual(whole);
    }
    const bytes = [...input].map((b) => Buffer.from([b]));
    expect(run(input, c.framing ?? 'auto', c.max ?? 1024, bytes)).toEqual(whole);
  });

  test('binary and UTF-8 bytes pass unchanged, counted in bytes not characters', () => {
    const msg = Buffer.from('<13>1 - h a - - - héllo ✓ \u0000\u00ff', 'utf8');
    const input = Buffer.concat([Buffer.from(`${msg.length} `), msg, Buffer.from(`${msg.length} `), msg]);
    const f = new SyslogFramer({ framing: 'auto', maxBytes: 1024 });
    const frames = f.push(input);
    expect(frames).toHaveLength(2);
    expect(frames[0]!.equals(msg)).toBe(true);
    expect(frames[1]!.equals(msg)).toBe(true);
  });

  test('a huge octet-counted frame is cut at max without buffering it whole', () => {
    const f = new SyslogFramer({ framing: 'auto', maxBytes: 1000 });
    const len = 50_000_000;
    const frames = [...f.push(Buffer.from(`${len} `))];
    const chunk = Buffer.alloc(65536, 0x61);
    let sent = 0;
    while (sent < len) {
      const n = Math.min(chunk.length, len - sent);
      frames.push(...f.push(chunk.subarray(0, n)));
      sent += n;
      expect(f.buffered).toBeLessThanOrEqual(1000);
    }
    frames.push(...f.push(Buffer.from('2 ok')));
    expect(frames.map((b) => b.length)).toEqual([1000, 2]);
    expect(f.truncated).toBe(1);
  });

  test('a huge line without LF is cut and skipped without buffering it whole', () => {
    const f = new SyslogFramer({ framing: 'lf', maxBytes: 1000 });
    const frames: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      frames.push(...f.push(Buffer.alloc(65536, 0x62)));
      expect(f.buffered).toBeLessThanOrEqual(1000);
    }
    frames.push(...f.push(Buffer.from('\nnext\n')));
    expect(frames.map((b) => b.length)).toEqual([1000, 4]);
    expect(f.truncated).toBe(1);
  });

  test('random garbage never throws and every byte outside separators lands in a frame or is counted', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 200; round++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 300) }, () => (rnd() < 0.3 ? [0x0a, 0x20, 0x31, 0x39, 0x30][Math.floor(rnd() * 5)]! : Math.floor(rnd() * 256))));
      const f = new SyslogFramer({ framing: 'auto', maxBytes: 64 });
      const out: Buffer[] = [];
      let at = 0;
      while (at < bytes.length) {
        const n = 1 + Math.floor(rnd() * 40);
        out.push(...f.push(bytes.subarray(at, at + n)));
        at += n;
      }
      out.push(...f.end());
      for (const fr of out) {
        expect(fr.length).toBeGreaterThan(0);
        expect(fr.length).toBeLessThanOrEqual(64);
      }
      expect(out.reduce((n, b) => n + b.length, 0)).toBeLessThanOrEqual(bytes.length);
    }
  });
});
