/**
 * CSV as RFC 4180 describes it: CRLF line ends; a field holding a comma, a double quote, CR or
 * LF is enclosed in double quotes, with inner quotes doubled. Other fields are written as they are.
 */

export interface CsvColumn<T> {
  header: string;
  value(row: T): string | number | boolean | null;
}

export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: readonly (string | number | boolean | null)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  return csvRow(columns.map((c) => c.header));
}

export function csvRows<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  let out = '';
  for (const r of rows) out += csvRow(columns.map((c) => c.value(r)));
  return out;
}
