import Database from 'better-sqlite3';
import { brotliDecompressSync, brotliCompressSync, constants as Z } from 'node:zlib';
const db = new Database(process.argv[2], { readonly: true });
const rows = db.prepare('select payload from log_blocks where n >= 1000 limit 100').all();
const br = (s) => brotliCompressSync(Buffer.from(s), { params: { [Z.BROTLI_PARAM_QUALITY]: 4, [Z.BROTLI_PARAM_MODE]: Z.BROTLI_MODE_TEXT } }).length;
let col = 0, row = 0, rowHdr = 0, n = 0, tC = 0, tR = 0;
for (const r of rows) {
  const s = brotliDecompressSync(r.payload).toString();
  const o = JSON.parse(s);
  n += o.n;
  const small = ['n', 'id', 'received_at', 'offset', 'offset_text'];
  const names = Object.keys(o).filter((k) => !small.includes(k));
  const header = JSON.stringify({ n: o.n, id: o.id, received_at: o.received_at, offset: o.offset, fields: names });
  const lines = [];
  for (let i = 0; i < o.n; i++) lines.push(JSON.stringify(names.map((k) => o[k][i])));
  const rs = header + '\n' + lines.join('\n');
  let a = performance.now(); col += br(s); tC += performance.now() - a;
  a = performance.now(); row += br(rs); tR += performance.now() - a;
}
console.log('events', n, 'columnar B/ev', (col / n).toFixed(1), 'rows B/ev', (row / n).toFixed(1), 'compress ms/1000 ev', (tC / n * 1000).toFixed(2), (tR / n * 1000).toFixed(2));
