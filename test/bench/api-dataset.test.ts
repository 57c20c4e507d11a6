import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DATASET_GENERATOR, DATASET_SPAN_MS, datasetName, ensureDataset } from '../../src/bench/api-dataset.js';
import { latestVersion } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';
import { queryV1 } from '../helpers/v1-rows.js';

const NOW = Date.UTC(2026, 4, 1, 12, 30, 45);
const quiet = () => undefined;

describe('datasetName', () => {
  test('keyed by event count, schema version and generator', () => {
    expect(datasetName(10_000_000, 3)).toBe(`api-10000000-s3-g${DATASET_GENERATOR}`);
    expect(datasetName(1, 4)).not.toBe(datasetName(1, 3));
  });
});

describe('ensureDataset', () => {
  test('generates N events over the 24 h before now, across at most 50 hosts, with rollups', () => {
    const dir = tempDir();
    const d = ensureDataset({ dir, events: 3000, log: quiet, now: NOW });
    expect(d.reused).toBe(false);
    expect(d.meta).toMatchObject({ events: 3000, schemaVersion: latestVersion(), generator: DATASET_GENERATOR, hosts: 50, createdAt: NOW });
    expect(d.meta.end).toBe(Date.UTC(2026, 4, 1, 12, 29, 0));
    expect(d.meta.end - d.meta.start).toBe(DATASET_SPAN_MS);
    const store = openStore(d.path, { readonly: true });
    try {
      const db = store.db;
      expect(db.prepare('SELECT count(*) AS n FROM logs').get()).toEqual({ n: 3000 });
      const range = queryV1(store, 'SELECT min(ts) AS lo, max(ts) AS hi FROM logs WHERE ts_fallback = 0')[0] as { lo: number; hi: number };
      expect(range.lo).toBeGreaterThanOrEqual(d.meta.start);
      expect(range.hi).toBeLessThanOrEqual(d.meta.end);
      // Spread over the whole day, not bunched at one end.
      expect(range.hi - range.lo).toBeGreaterThan(DATASET_SPAN_MS * 0.99);
      const hosts = db.prepare("SELECT count(DISTINCT host_id) AS n FROM logs WHERE host_id IS NOT NULL").get() as { n: number };
      expect(hosts.n).toBeGreaterThan(40);
      expect(hosts.n).toBeLessThanOrEqual(50);
      const rollups = db.prepare('SELECT sum(count) AS n FROM rollup_1h').get() as { n: number };
      expect(rollups.n).toBe(3000);
      expect(db.prepare("SELECT count(*) AS n FROM logs_fts WHERE logs_fts MATCH 'sshd'").get()).not.toEqual({ n: 0 });
    } finally {
      store.close();
    }
    expect(existsSync(join(dir, `${datasetName(3000, latestVersion())}.partial.db`))).toBe(false);
  });

  test('a second call reuses the cached file', () => {
    const dir = tempDir();
    const first = ensureDataset({ dir, events: 500, log: quiet, now: NOW });
    const second = ensureDataset({ dir, events: 500, log: quiet, now: NOW + 86_400_000 });
    expect(second).toEqual({ ...first, reused: true });
  });

  test('a file from another generator version is generated again', () => {
    const dir = tempDir();
    const first = ensureDataset({ dir, events: 200, log: quiet, now: NOW });
    const metaFile = first.path.replace(/\.db$/, '.json');
    writeFileSync(metaFile, JSON.stringify({ ...first.meta, generator: DATASET_GENERATOR - 1 }));
    const again = ensureDataset({ dir, events: 200, log: quiet, now: NOW + 60_000 });
    expect(again.reused).toBe(false);
    expect(JSON.parse(readFileSync(metaFile, 'utf8'))).toMatchObject({ generator: DATASET_GENERATOR, createdAt: NOW + 60_000 });
  });

  test('a database without its meta file (an interrupted run) is not trusted', () => {
    const dir = tempDir();
    const first = ensureDataset({ dir, events: 200, log: quiet, now: NOW });
    writeFileSync(first.path.replace(/\.db$/, '.json'), '{ not json');
    expect(ensureDataset({ dir, events: 200, log: quiet, now: NOW }).reused).toBe(false);
  });

  test('reports progress and the total time', () => {
    const lines: string[] = [];
    ensureDataset({ dir: tempDir(), events: 100, log: (m) => lines.push(m), now: NOW });
    expect(lines.at(-1)).toMatch(/^generated 100 events in \d+ s \([\d,]+ events\/s\), [\d,]+ MiB$/);
  });
});
