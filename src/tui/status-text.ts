/**
 * The pieces of the `tail` status line as text. Pure.
 */
import { formatBytes } from '../core/rules/units.js';
import { describeFilter, type TailFilter } from './tail-filter.js';
import type { TailStatus } from './tail-source.js';

/** Events per second: one decimal below 10, whole numbers above; `-` before the first measure. */
export function formatRate(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '- ev/s';
  return `${r < 10 ? r.toFixed(1) : Math.round(r)} ev/s`;
}

export interface StatusParts {
  source: string;
  connection: string;
  rate: string;
  /** null when unknown: local mode, or an appliance whose API runs without ingest. */
  lag: string | null;
  db: string | null;
  behind: string | null;
  filter: string;
  paused: string | null;
}

export function statusParts(o: {
  label: string;
  status: TailStatus;
  filter: TailFilter;
  applying: TailFilter | null;
  paused: boolean;
  pending: number;
  missed: number;
}): StatusParts {
  const s = o.status;
  return {
    source: o.label,
    connection: s.connection,
    rate: formatRate(s.rate),
    lag: s.lag === null ? null : `lag ${s.lag}`,
    db: s.dbBytes === null ? null : `db ${formatBytes(s.dbBytes, 'iec')}`,
    behind: s.behind > 0 ? `${s.behind} to read` : null,
    filter: o.applying !== null ? `${describeFilter(o.applying)} (applying…)` : describeFilter(o.filter),
    paused: o.paused ? `PAUSED +${o.pending}${o.missed > 0 ? ` (${o.missed} skipped)` : ''}` : null,
  };
}
