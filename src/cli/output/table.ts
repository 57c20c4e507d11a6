/**
 * Aligned text tables written page by page. Column widths are set by the header and the first
 * page (each capped by the column's `max`), then kept, so a long result streams without being
 * held in memory; a later value wider than its column is cut with an ellipsis. The one `flex`
 * column (the message) takes the rest of the terminal line and is cut to fit; with no known
 * terminal width (output piped) it is written whole.
 */
import { paint, type Style } from '../../client/colors.js';
import { displayWidth, fit, oneLine, truncate } from './text-width.js';

export interface TableColumn<T> {
  header: string;
  value(row: T): string;
  /** Widest this column may get, cells (fixed columns). */
  max?: number;
  /** Takes the rest of the line; at most one such column, written last. */
  flex?: boolean;
  /** The flex column is never made narrower than this, cells (the line overflows instead). */
  min?: number;
  style?(row: T): Style | null;
}

export interface TableOptions {
  /** Terminal width in cells; null when unknown (not a terminal). */
  width: number | null;
  color: boolean;
}

const GAP = '  ';
const DEFAULT_FLEX_MIN = 20;
const DEFAULT_MAX = 40;

export class TableWriter<T> {
  private widths: number[] | null = null;
  private readonly columns: TableColumn<T>[];

  constructor(
    columns: readonly TableColumn<T>[],
    private readonly opts: TableOptions,
  ) {
    const flex = columns.findIndex((c) => c.flex);
    // The flex column goes last, so cutting it never shifts another column.
    this.columns = flex < 0 ? [...columns] : [...columns.filter((_, i) => i !== flex), columns[flex]!];
  }

  /** The text for one page (header included on the first call); '' for an empty first page. */
  render(rows: readonly T[]): string {
    if (rows.length === 0) return '';
    const cells = rows.map((r) => this.columns.map((c) => oneLine(c.value(r))));
    let out = '';
    if (this.widths === null) {
      this.widths = this.measure(cells);
      out += this.line(this.columns.map((c) => c.header), null, true);
    }
    rows.forEach((row, i) => {
      out += this.line(cells[i]!, row, false);
    });
    return out;
  }

  private measure(cells: string[][]): number[] {
    const n = this.columns.length;
    const widths = this.columns.map((c, i) => {
      if (c.flex) return 0;
      let w = displayWidth(c.header);
      for (const row of cells) w = Math.max(w, displayWidth(row[i]!));
      return Math.min(w, Math.max(displayWidth(c.header), c.max ?? DEFAULT_MAX));
    });
    const last = this.columns[n - 1];
    if (last?.flex) {
      if (this.opts.width === null) widths[n - 1] = Infinity;
      else {
        const used = widths.slice(0, n - 1).reduce((a, b) => a + b, 0) + GAP.length * (n - 1);
        widths[n - 1] = Math.max(last.min ?? DEFAULT_FLEX_MIN, this.opts.width - used);
      }
    }
    return widths;
  }

  private line(values: string[], row: T | null, header: boolean): string {
    const widths = this.widths!;
    const n = values.length;
    const parts = values.map((v, i) => {
      const w = widths[i]!;
      const lastCol = i === n - 1;
      // No trailing spaces: the last column is cut but not padded.
      const text = lastCol ? (w === Infinity ? v : truncate(v, w)) : fit(v, w);
      if (header) return paint(text, '1', this.opts.color);
      const style = row !== null ? (this.columns[i]!.style?.(row) ?? null) : null;
      if (style === null || !this.opts.color) return text;
      // Color the value, not the padding after it.
      const trimmed = text.trimEnd();
      return paint(trimmed, style, true) + text.slice(trimmed.length);
    });
    return parts.join(GAP) + '\n';
  }
}
