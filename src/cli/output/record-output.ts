/**
 * Writing records (logs, alerts) in the format asked for, one page at a time:
 *   table  — aligned columns fitted to the terminal (table.ts);
 *   json   — one JSON array, streamed: `[`, the records separated by commas, `]`;
 *   ndjson — one JSON object per line;
 *   csv    — RFC 4180 with a header line (csv.ts).
 */
import { csvHeader, csvRows, type CsvColumn } from './csv.js';
import type { OutputSink } from './sink.js';
import { TableWriter, type TableColumn, type TableOptions } from './table.js';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RecordLayout<T> {
  table: readonly TableColumn<T>[];
  csv: readonly CsvColumn<T>[];
}

export interface RecordOutput<T> {
  /** Writes one page; resolves when the sink can take the next. */
  write(rows: readonly T[]): Promise<void>;
  /** Closes the document (the `]` of a JSON array) and flushes. */
  end(): Promise<void>;
  /** Records written so far. */
  readonly count: number;
}

export function recordOutput<T>(format: OutputFormat, layout: RecordLayout<T>, sink: OutputSink, table: TableOptions): RecordOutput<T> {
  let count = 0;
  let render: (rows: readonly T[]) => string;
  let finish: () => string = () => '';
  switch (format) {
    case 'table': {
      const writer = new TableWriter(layout.table, table);
      render = (rows) => writer.render(rows);
      break;
    }
    case 'ndjson':
      render = (rows) => {
        let out = '';
        for (const r of rows) out += JSON.stringify(r) + '\n';
        return out;
      };
      break;
    case 'json':
      render = (rows) => {
        let out = '';
        for (const r of rows) out += (count === 0 && out === '' ? '[\n' : ',\n') + JSON.stringify(r);
        return out;
      };
      finish = () => (count === 0 ? '[]\n' : '\n]\n');
      break;
    case 'csv':
      render = (rows) => (count === 0 ? csvHeader(layout.csv) : '') + csvRows(layout.csv, rows);
      // An empty result is still a CSV file with its header line.
      finish = () => (count === 0 ? csvHeader(layout.csv) : '');
      break;
  }
  return {
    async write(rows) {
      if (rows.length === 0) return;
      const text = render(rows);
      count += rows.length;
      await sink.write(text);
    },
    async end() {
      await sink.write(finish());
      await sink.flush();
    },
    get count() {
      return count;
    },
  };
}
