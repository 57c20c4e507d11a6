import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { recordOutput, type OutputFormat, type RecordLayout } from '../../../src/cli/output/record-output.js';
import { OutputSink } from '../../../src/cli/output/sink.js';

interface Rec {
  id: number;
  text: string;
}

const LAYOUT: RecordLayout<Rec> = {
  table: [
    { header: 'ID', value: (r) => String(r.id), max: 5 },
    { header: 'TEXT', value: (r) => r.text, flex: true },
  ],
  csv: [
    { header: 'id', value: (r) => r.id },
    { header: 'text', value: (r) => r.text },
  ],
};

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

async function render(format: OutputFormat, pages: Rec[][]): Promise<string> {
  const c = collector();
  const sink = new OutputSink(c.stream);
  const out = recordOutput(format, LAYOUT, sink, { width: null, color: false });
  for (const p of pages) await out.write(p);
  await out.end();
  expect(out.count).toBe(pages.flat().length);
  return c.text();
}

const r = (id: number, text = `t${id}`): Rec => ({ id, text });

describe('json: one array, streamed page by page', () => {
  test.each<[string, Rec[][]]>([
    ['no pages', []],
    ['empty pages', [[], []]],
    ['one record', [[r(1)]]],
    ['several pages', [[r(1), r(2)], [], [r(3)], [r(4), r(5)]]],
    ['awkward text', [[r(1, 'a "quote", \n newline, \u2028 separator, \x1b escape')]]],
  ])('%s parses back to the records', async (_name, pages) => {
    const text = await render('json', pages);
    expect(JSON.parse(text)).toEqual(pages.flat());
    expect(text.endsWith('\n')).toBe(true);
  });
});

test('ndjson: one record per line', async () => {
  const text = await render('ndjson', [[r(1), r(2)], [r(3, 'x\ny')]]);
  expect(text.split('\n')).toHaveLength(4);
  expect(text.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([r(1), r(2), r(3, 'x\ny')]);
  expect(await render('ndjson', [])).toBe('');
});

test('csv: the header once, even for an empty result', async () => {
  expect(await render('csv', [[r(1)], [r(2, 'a,b')]])).toBe('id,text\r\n1,t1\r\n2,"a,b"\r\n');
  expect(await render('csv', [])).toBe('id,text\r\n');
});

test('table: the header once, rows from every page', async () => {
  expect(await render('table', [[r(1)], [r(22)]])).toBe('ID  TEXT\n1   t1\n22  t22\n');
  expect(await render('table', [])).toBe('');
});
