import { expect, test } from 'vitest';
import { splitBySize } from '../../src/ingest/kafka-producer.js';

const msg = (key: string, valueBytes: number) => ({ key, value: 'v'.repeat(valueBytes), headers: { h: 'x' } });

test.each<[string, number[], number, string[][]]>([
  ['nothing', [], 1000, []],
  ['all in one request', [10, 10, 10], 1000, [['0', '1', '2']]],
  ['split where the next would not fit', [300, 300, 300], 800, [['0', '1'], ['2']]],
  ['a message larger than the limit goes alone', [10, 5000, 10], 1000, [['0'], ['1'], ['2']]],
])('splitBySize: %s', (_name, sizes, max, want) => {
  const runs = splitBySize(
    sizes.map((n, i) => msg(String(i), n)),
    max,
  );
  expect(runs.map((r) => r.map((m) => m.key))).toEqual(want);
});
