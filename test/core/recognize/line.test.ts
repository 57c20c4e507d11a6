import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { newDraft } from '../../../src/core/decode/draft.js';
import { LINE_RECOGNIZERS, recognizeLine } from '../../../src/core/recognize/line.js';

const ctx = { receivedAt: Date.parse('2026-11-20T12:00:00Z') };

/** Starts of every shape the recognizers know, so random tails reach their deeper branches. */
const PREFIXES = [
  '', 'Nov 20 10:16:03 ', 'Nov  2 10:16:03 h p[1]: ', '2026-11-20T10:16:03.1+01:00 h ', '2026-11-20 10:16:03,123 ',
  '1.2.3.4 - - [20/Nov/2026:10:16:03 +0000] "', 'v:80 1.2.3.4 - u [20/Nov/2026:10:16:03 +0000] "GET / HTTP/1.1" 200 ',
  '2026-11-20 10:16:03 10.0.0.5 GET ', '#Fields: ', '1763633763.779 ', '[Sun Dec 04 04:47:44 2005] [', '[10.30 16:49:06] ',
  '03-17 16:13:38.811  1 ', '081109 203615 ', '17/06/09 20:10:40 ', '- 1117838570 2005.06.03 n ', 'KERN 1117838570 2005.06.03 n 2005-06-03-15.42.50.1 ',
  '1 n c s 1077804742 1 ', 'I1120 10:16:03.1 ', 'I, [2026-11-20T10:16:03 #', 'WARNING:', 'INFO[', '20171223-22:15:29:6|', 'a.log ',
  '2026/11/20 10:16:03 [error] 1#1: ', '2016-09-28 04:30:30, Info ',
];
const tail = fc.string({ unit: fc.constantFrom('|', '=', '\\', '"', ']', '[', ' ', '  ', 'a', 'A', '1', ':', '-', '.', '#', ',', '\t', 'INFO', 'x='), maxLength: 120 });

describe('every recognizer, on any line', () => {
  test('never throws; a refusal leaves the draft untouched; a claim names itself and keeps a message', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), tail, (p, t) => {
        const text = p + t;
        for (const r of LINE_RECOGNIZERS) {
          const d = newDraft('text');
          const claimed = r.recognize(text, d, ctx);
          if (!claimed) expect(d).toEqual(newDraft('text'));
          else {
            expect(d.parser).toBe(r.name);
            expect(typeof d.message).toBe('string');
            expect(d.level === null || (d.level >= 0 && d.level <= 7)).toBe(true);
            expect(d.ts === null || Number.isFinite(d.ts)).toBe(true);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  test('arbitrary Unicode strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        expect(() => recognizeLine(s, newDraft('text'), ctx)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  test.each(PREFIXES.filter((p) => p.length > 0))('a 64 KiB line after %j stays cheap', (p) => {
    const lines = [p + 'a'.repeat(65536), p + '[' .repeat(32768) + ']'.repeat(32768), p + ' '.repeat(65536), p + 'a=b '.repeat(16384), p + '"'.repeat(65536)];
    for (const l of lines) recognizeLine(l, newDraft('text'), ctx); // warm up the JIT
    const start = performance.now();
    for (const l of lines) recognizeLine(l, newDraft('text'), ctx);
    // Linear scans of 320 KiB take well under a millisecond each; backtracking would take seconds.
    expect(performance.now() - start).toBeLessThan(250);
  });
});
