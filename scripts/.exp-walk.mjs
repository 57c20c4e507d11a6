import { openStore } from '../lib/store/store.js';
import { LogReader } from '../lib/store/log-reader.js';
const path = process.argv[2]; const f = JSON.parse(process.argv[3]);
for (let rep = 0; rep < 3; rep++) {
const s2 = openStore(path, { readonly: true });
const r = new LogReader(s2);
let cursor = null; const times = [];
for (let p = 0; p < 30; p++) {
  const a = performance.now();
  const page = r.queryLogs(f, { limit: 100, cursor, order: 'desc' });
  times.push(performance.now() - a);
  cursor = page.next_cursor; if (!cursor) break;
}
s2.close();
console.log(times.map(t => t.toFixed(0)).join(' '));
}
