import { describe, expect, test } from 'vitest';
import { formatStorageReport, runStorageSuite } from '../../src/bench/storage-suite.js';
import { FTS_VARIANTS } from '../../src/bench/fts-variants.js';
import { mixMessages } from '../../src/tools/sample-producer.js';

const START = Date.UTC(2026, 10, 20, 10, 0, 0);

describe.each(['default', 'real'] as const)('runStorageSuite, %s mix', (mix) => {
  const count = 1200;
  const r = runStorageSuite({ count, mix, blockSizes: [100, 1000], start: START });

  test('writes every event and counts the raw bytes of the messages', () => {
    expect(r.events).toBe(count);
    const raw = [...mixMessages(mix, count, { seed: 7, start: START })].reduce((n, m) => n + Buffer.byteLength(m.value), 0);
    expect(r.rawBytes).toBe(raw);
  });

  test('the objects add up to the file, and the logs table holds its columns', () => {
    expect(r.objects.reduce((n, o) => n + o.bytes, 0)).toBe(r.fileBytes);
    const groups = new Set(r.objects.map((o) => o.group));
    for (const g of ['logs', 'logs indexes', 'fts', 'rollups'] as const) expect(groups).toContain(g);
    const raw = r.columns.find((c) => c.column === 'raw');
    expect(raw?.present).toBe(count);
    // raw as stored: each message's bytes plus its type code, 2 bytes beyond 57 bytes of text.
    const lengths = [...mixMessages(mix, count, { seed: 7, start: START })].map((m) => Buffer.byteLength(m.value));
    expect(raw?.bytes).toBe(lengths.reduce((n, l) => n + l + (l <= 57 ? 1 : 2), 0));
    expect(r.columns.reduce((n, c) => n + c.bytes, 0)).toBeLessThan(r.logsTableBytes);
    expect(r.message.equal + r.message.inside + r.message.other).toBe(count);
    expect(r.message.inside).toBeGreaterThan(0);
  });

  test('every codec at every block size, each smaller than the raw bytes; bigger blocks smaller still', () => {
    const codecs = new Set(r.compression.map((c) => c.codec));
    expect([...codecs].slice(0, 5)).toEqual(['deflate 1', 'deflate 6', 'deflate 9', 'brotli 4', 'brotli 9']);
    expect([...codecs].filter((c) => c.includes('dictionary'))).toHaveLength(3);
    expect(r.compression).toHaveLength(codecs.size * 2);
    for (const c of r.compression) {
      expect(c.rawBytes).toBe(r.rawBytes);
      expect(c.compressedBytes).toBeLessThan(c.rawBytes / 2);
    }
    const at = (size: number) => r.compression.find((c) => c.codec === 'deflate 6' && c.blockEvents === size)?.compressedBytes ?? 0;
    expect(at(1000)).toBeLessThan(at(100));
    expect(r.structured.map((s) => s.codec)).toEqual(['deflate 6', 'brotli 9']);
  });

  test('every FTS5 variant; today\'s measures what the database holds', () => {
    expect(r.fts.map((f) => f.variant)).toEqual(FTS_VARIANTS.map((v) => v.name));
    const inDb = r.objects.filter((o) => o.group === 'fts').reduce((n, o) => n + o.bytes, 0);
    expect(r.fts[0]?.bytes).toBe(inDb);
  });

  test('the report shows each table with per-event figures', () => {
    const text = formatStorageReport(r);
    expect(text).toMatch(new RegExp(`^1,200 events of ${mix === 'real' ? 'real-shaped text lines' : 'the formats mix'}, \\d+\\.\\d raw B/event; database [\\d.]+ MiB = [\\d.]+ B/event = [\\d.]+× the raw bytes`));
    expect(text).toContain('| `logs` table |');
    expect(text).toContain('| raw | 100.0 % |');
    expect(text).toMatch(/`message` against `raw`: [\d.]+ % of the events carry raw itself as their message, [\d.]+ % a part of raw, [\d.]+ % text raw does not hold as is/);
    expect(text).toContain('| codec | 100 events/block | 1000 events/block |');
    expect(text).toMatch(/\| brotli 9 \| [\d.]+ \(0\.\d{3}\) \| [\d.]+ \(0\.\d{3}\) \|/);
    expect(text).toContain('| external content, detail=full (today) |');
    expect(text).toMatch(/\| external content, detail=full \(today\) \| [\d.]+ \| 1\.00 \|/);
  });
});
