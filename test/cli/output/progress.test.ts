import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createProgress } from '../../../src/cli/output/progress.js';

function stream(isTTY: boolean): { s: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  (w as { isTTY?: boolean }).isTTY = isTTY;
  (w as { columns?: number }).columns = 80;
  return { s: w, text: () => text };
}

test('not a terminal: plain lines at most once per interval, and a last one at stop', () => {
  let now = 0;
  const out = stream(false);
  const p = createProgress({ stream: out.s, label: 'pruning', unit: 'rows', total: 100, everyMs: 1000, now: () => now });
  p.update(10);
  now = 500;
  p.update(20);
  now = 1000;
  p.update(30);
  now = 1500;
  p.update(40);
  p.setTotal(120);
  now = 2600;
  p.update(120);
  p.stop();
  p.stop();
  expect(out.text()).toBe('pruning: 30/100 rows (30%)\npruning: 120/120 rows (100%)\n');
});

test('not a terminal, nothing done: one line at stop', () => {
  const out = stream(false);
  const p = createProgress({ stream: out.s, label: 'replaying t', unit: 'offsets', total: 0 });
  p.stop();
  expect(out.text()).toBe('replaying t: 0/0 offsets\n');
});

test('a terminal: a cli-progress bar redrawn in place', () => {
  const out = stream(true);
  (out.s as unknown as { cursorTo: () => boolean; clearLine: () => boolean }).cursorTo = () => true;
  (out.s as unknown as { clearLine: () => boolean }).clearLine = () => true;
  (out.s as unknown as { moveCursor: () => boolean }).moveCursor = () => true;
  const p = createProgress({ stream: out.s, label: 'pruning', unit: 'rows', total: 50 });
  p.update(50);
  p.stop();
  expect(out.text()).toMatch(/pruning \[[█░]+\] 100% \| 50\/50 rows/);
});
