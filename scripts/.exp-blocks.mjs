// scratch: block size vs bytes and cold cursor-walk cost (not committed)
import { statSync, rmSync } from 'node:fs';
import { openStore } from '../lib/store/store.js';
import { LogWriter } from '../lib/store/log-writer.js';
import { LogReader } from '../lib/store/log-reader.js';
import { normalizeMessage } from '../lib/core/normalize.js';
import { enrich, EMPTY_ENRICH_CONTEXT } from '../lib/core/enrich.js';
import { messageMix } from '../lib/tools/message-mix.js';
const N = Number(process.argv[2] ?? 300000);
const sizes = (process.argv[3] ?? '1024,256,128').split(',').map(Number);
const end = Date.UTC(2026, 11, 7), span = 86_400_000, start = end - span, step = span / (N - 1);
const evs = [];
let i = 0;
for (const m of messageMix(N, { seed: 20240501, start, stepMs: step, hosts: 50 })) {
  const ts = Math.round(start + i * step);
  evs.push(enrich(normalizeMessage(Buffer.from(m.value), { source: { kind: 'kafka', topic: m.topic, partition: i % 3, offset: String(Math.floor(i / 3)) }, receivedAt: ts + 150, maxBytes: 262144 }), EMPTY_ENRICH_CONTEXT));
  i++;
}
for (const be of sizes) {
  const path = `/work/main/.bench/exp-${be}.db`;
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  let st = openStore(path, { blockEvents: be });
  const w = new LogWriter(st);
  const t0 = performance.now();
  for (let s = 0; s < evs.length; s += 5000) w.writeBatch({ events: evs.slice(s, s + 5000), offsets: [], now: end });
  const wt = performance.now() - t0;
  st.close();
  // checkpoint
  st = openStore(path, { blockEvents: be }); st.close();
  const bytes = statSync(path).size + (statSync(path + '-wal', { throwIfNoEntry: false })?.size ?? 0);
  const walks = {};
  for (const [name, f] of [['host+warn', { hosts: ['web-01'], minLevel: 4 }], ['host', { hosts: ['web-01'] }], ['q=carol', { q: 'carol' }], ['all', {}]]) {
    const s2 = openStore(path, { blockEvents: be, readonly: true });
    const r = new LogReader(s2);
    let cursor = null; const times = [];
    for (let p = 0; p < 20; p++) {
      const a = performance.now();
      const page = r.queryLogs(f, { limit: 100, cursor, order: 'desc' });
      times.push(performance.now() - a);
      cursor = page.next_cursor; if (!cursor) break;
    }
    s2.close();
    times.sort((x, y) => x - y);
    walks[name] = `${times[Math.floor(times.length / 2)].toFixed(1)}/${times[times.length - 1].toFixed(1)}`;
  }
  console.log(`block ${be}: ${(bytes / N).toFixed(1)} B/event, write ${(N / wt * 1000).toFixed(0)} ev/s, walk ms median/max per page:`, JSON.stringify(walks));
}
