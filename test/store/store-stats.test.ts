import { describe, expect, test } from 'vitest';
import { LogWriter } from '../../src/store/log-writer.js';
import { latestVersion } from '../../src/store/migrations.js';
import { pruneOnce } from '../../src/store/retention.js';
import { storeStats } from '../../src/store/store-stats.js';
import { makeEvent, openTemp, T0, tempDbPath } from './fixtures.js';

describe('storeStats', () => {
  test('an empty database', () => {
    const s = openTemp();
    const st = storeStats(s, { exact: true });
    expect(st.schema_version).toBe(latestVersion());
    expect(st.logs).toEqual({ estimate: 0, exact: 0, min_id: null, max_id: null, oldest_ts: null, newest_ts: null });
    expect(st.rollup_1m).toEqual({ rows: 0, oldest: null, newest: null });
    expect(st.offsets).toEqual([]);
    expect(st.file_bytes).toBeGreaterThan(0);
  });

  test('counts, time range, sizes and offsets after writes and a prune', () => {
    const file = tempDbPath();
    const s = openTemp(file);
    new LogWriter(s).writeBatch({
      events: [T0 + 5, T0, T0 + 120_000, T0 - 1000].map((ts) => makeEvent({ ts })),
      offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '4' }],
      now: 7,
    });
    pruneOnce(s, { olderThanMs: T0 }); // deletes the T0 - 1000 row, which has the highest id
    const st = storeStats(s, { exact: true });
    expect(st.path).toBe(file);
    expect(st.logs.exact).toBe(3);
    expect(st.logs.estimate).toBe(3); // ids 1..3 remain (id 4 was the old one)
    expect(st.logs.oldest_ts).toBe(T0);
    expect(st.logs.newest_ts).toBe(T0 + 120_000);
    expect(st.rollup_1m).toEqual({ rows: 3, oldest: T0 - 60_000, newest: T0 + 120_000 });
    expect(st.rollup_1h.rows).toBe(2);
    expect(st.offsets).toEqual([{ group: 'g', topic: 't', partition: 0, next_offset: '4', updated_at: 7 }]);
    expect(st.wal_bytes).toBeGreaterThan(0);
    expect(st.file_bytes).toBeGreaterThanOrEqual(st.wal_bytes + st.page_size);
    expect(storeStats(s).logs.exact).toBeUndefined();
  });
});
