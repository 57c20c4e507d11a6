/** The batching flags of `rules test` and `rules backtest` (the dry run's batchSize and batchSpanMs). */
import { parseDuration } from '../../../config/units.js';
import { LogaggError } from '../../../errors.js';

/** The --batch-size flag: 1 … 100 000 events (the range of kafka.batch.max_messages). */
export function batchSizeFlag(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const t = v.trim();
  if (!/^\d{1,6}$/.test(t) || Number(t) < 1 || Number(t) > 100_000) throw new LogaggError('USAGE', `--batch-size ${v}: give a number of events from 1 to 100000`);
  return Number(t);
}

/** The --batch-span flag: a duration (`1s`, `500ms`), or 0 for batches cut by size only. */
export function batchSpanFlag(v: string): number {
  const ms = parseDuration(v);
  if (ms === null || ms > 86_400_000) throw new LogaggError('USAGE', `--batch-span ${v}: give a duration up to 1d, e.g. 1s or 500ms (0: batches cut by size only)`);
  return ms;
}
