import { describe, expect, test } from 'vitest';
import { formatStorageReport, runStorageSuite } from '../../src/bench/storage-suite.js';
import { mixMessages } from '../../src/tools/sample-producer.js';

const START = Date.UTC(2026, 10, 20, 10, 0, 0);

describe.each(['default', 'real'] as const)('runStorageSuite, %s mix', (mix) => {
  const count = 3000;
  const r = runStorageSuite({ count, mix, start: START });

  test('writes every event and counts the raw bytes of the messages', () => {
    expect(r.events).toBe(count);
    const raw = [...mixMessages(mix, count, { seed: 7, start: START })].reduce((n, m) => n + Buffer.byteLength(m.value), 0);
    expect(r.rawBytes).toBe(raw);
  });

  test('the objects add up to the file; every part of the v2 layout is there', () => {
    expect(r.objects.reduce((n, o) => n + o.bytes, 0)).toBe(r.fileBytes);
    const groups = new Set(r.objects.map((o) => o.group));
    for (const g of ['logs', 'logs indexes', 'blocks', 'dict', 'offset ranges', 'fts', 'rollups'] as const) expect(groups).toContain(g);
    expect(r.columns.map((c) => c.column).sort()).toEqual(['format', 'has_error', 'host_id', 'level', 'tagset_id', 'threat_severity', 'topic_id', 'ts']);
  });

  test('blocks of 512 events: the payloads decode, hold raw, and are far smaller than the raw bytes', () => {
    expect(r.blocks).toBe(Math.ceil(3000 / 5000) * Math.ceil(3000 / 512));
    expect(r.fields.map((f) => f.field)).toContain('raw');
    expect(r.fields.find((f) => f.field === 'raw')!.jsonBytes).toBeGreaterThanOrEqual(r.rawBytes);
    expect(r.payloadBytes).toBeLessThan(r.rawBytes / 2);
    // The stored codec, compressed again, gives the stored bytes.
    expect(r.codecs.map((c) => c.codec)).toEqual(['brotli 4', 'deflate 6', 'deflate 9', 'brotli 9']);
    expect(r.codecs[0]!.bytes).toBe(r.payloadBytes);
  });

  test('the report shows each part with per-event figures and the ratio to raw', () => {
    const text = formatStorageReport(r);
    expect(text).toMatch(new RegExp(`^3,000 events of ${mix === 'real' ? 'real-shaped text lines' : 'the formats mix'}, \\d+\\.\\d raw B/event; database [\\d.]+ MiB = [\\d.]+ B/event = [\\d.]+× the raw bytes`));
    expect(text).toMatch(/\| compressed blocks \(`log_blocks`\) \| [\d.]+ \| [\d.]+ \| [\d.]+× \| [\d.]+ % \|/);
    expect(text).toContain('| per-event rows (`logs`) |');
    expect(text).toContain('| FTS5 index (`logs_fts_*`) |');
    expect(text).toContain('| dictionary (`log_dict`) |');
    expect(text).toMatch(/\| brotli 4 \(stored\) \| [\d.]+ \| [\d.]+× \| [\d.]+ \| [\d.]+ \|/);
    expect(text).toMatch(/\| raw \| [\d.]+ \| [\d.]+ % \|/);
  });
});
