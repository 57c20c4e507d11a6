import { describe, expect, test } from 'vitest';
import { ftsVariantSize, FTS_VARIANTS, groupDocs, type FtsDoc } from '../../src/bench/fts-variants.js';

const DOCS: FtsDoc[] = Array.from({ length: 3000 }, (_, i) => ({
  message: `Failed password for user${i % 50} from 10.0.${i % 256}.${(i * 7) % 256} port ${40000 + i} ssh2 attempt ${i} of many repeated words here and there`,
  host: `bastion-0${i % 5}`,
  process: i % 3 === 0 ? null : 'sshd',
}));

const variant = (name: string) => {
  const v = FTS_VARIANTS.find((x) => x.name.startsWith(name));
  if (!v) throw new Error(`no variant ${name}`);
  return v;
};

describe('ftsVariantSize', () => {
  test('no documents: only the empty index', () => {
    const r = ftsVariantSize([], variant('external content, detail=full'));
    expect(r.docs).toBe(0);
    expect(r.bytes).toBeGreaterThan(0);
    expect(r.bytes).toBeLessThanOrEqual(4 * 4096);
  });

  test('today\'s index is listed first and is the largest; less detail, fewer columns, smaller', () => {
    expect(FTS_VARIANTS[0]?.name).toBe('external content, detail=full (today)');
    const size = (name: string) => ftsVariantSize(DOCS, variant(name)).bytes;
    const full = size('external content, detail=full');
    const column = size('external content, detail=column');
    const none = size('external content, detail=none');
    expect(full).toBeGreaterThan(3000 * 20);
    expect(column).toBeLessThan(full);
    expect(none).toBeLessThan(column);
    // Neither form keeps the text: contentless costs what external content does.
    expect(size('contentless (delete), detail=full')).toBe(full);
    expect(size('message only, contentless (delete), detail=none')).toBeLessThan(none);
  });

  test('the batch size does not change what is indexed, and the count is reported', () => {
    const r = ftsVariantSize(DOCS.slice(0, 10), variant('contentless (delete), detail=none'), 3);
    expect(r).toMatchObject({ variant: 'contentless (delete), detail=none', docs: 10 });
  });
});

describe('groupDocs', () => {
  const docs: FtsDoc[] = [
    { message: 'a', host: 'h1', process: null },
    { message: 'b', host: null, process: null },
    { message: 'c', host: 'h3', process: 'p' },
  ];

  test.each([0, -2, 1.5])('%s events a document is refused', (k) => {
    expect(() => groupDocs(docs, k)).toThrow(/positive integer/);
  });

  test('one event a document: the events themselves', () => {
    expect(groupDocs(docs, 1)).toEqual(docs);
    expect(groupDocs([], 4)).toEqual([]);
  });

  test('k events a document: texts joined by newlines, nulls skipped, the last document short', () => {
    expect(groupDocs(docs, 2)).toEqual([
      { message: 'a\nb', host: 'h1', process: null },
      { message: 'c', host: 'h3', process: 'p' },
    ]);
  });
});

describe('an index over blocks of events', () => {
  test('is less than half the size of one over events, and counts every event', () => {
    const perEvent = ftsVariantSize(DOCS, variant('message only, contentless (delete), detail=none'));
    const perBlock = ftsVariantSize(DOCS, variant('message only, one document per 256 events'));
    expect(perBlock.docs).toBe(DOCS.length);
    // Each term is listed once a block instead of once an event.
    expect(perBlock.bytes).toBeLessThan(perEvent.bytes / 2);
  });
});
