import type { NormalizedEvent } from '../../event.js';
import type { Baseline } from '../../detect/baseline.js';
import { Ewma, MAD_TO_SIGMA, RollingMad } from '../../detect/baseline.js';
import { LruMap } from '../../detect/lru-map.js';
import { asNumber, compileReader, readValues } from '../../fields.js';
import { FindingBatch } from '../finding-batch.js';
import { show } from '../problems.js';
import type { RuleEnv } from '../rule-common.js';
import { findingSpec, parseCommon, positiveInt, ruleGuard } from '../rule-common.js';
import type { CompiledRule } from '../types.js';
import { parseDuration, parseQuantity } from '../units.js';

const DIRECTIONS = ['high', 'low', 'both'] as const;
type Direction = (typeof DIRECTIONS)[number];

/**
 * anomaly: per group (default: per host) a rolling baseline of a numeric `metric`; a value
 * whose score is beyond `k` in `direction`, once the baseline has `warmup` samples, is an
 * occurrence. The finding's context records the baseline, the spread, the score and the value.
 *
 *   method: ewma  → score = (x - mean) / max(stddev, min_stddev); weight from `half_life`
 *                   (a duration of event time) or `alpha` (per sample, default 0.05)
 *   method: mad   → score = (x - median) / max(1.4826 × MAD, min_stddev) over the last
 *                   `window` samples (default 60)
 *
 * Every value joins the baseline after it is scored, so a lasting change of level becomes the
 * new normal and stops firing; one spike fires once.
 */

export const ANOMALY_DEFAULTS = {
  alpha: 0.05,
  window: 60,
  kEwma: 4,
  /** Iglewicz & Hoaglin's customary cut-off for modified z-scores. */
  kMad: 3.5,
  warmup: 30,
  /** In the metric's units (1 percentage point for *_pct). */
  minStddev: 1,
} as const;

export function compileAnomaly(doc: Record<string, unknown>, env: RuleEnv): CompiledRule | null {
  const p = env.problems;
  const common = parseCommon(doc, 'anomaly', env);
  const metric = doc['metric'];
  if (typeof metric !== 'string' || metric === '') p.add('metric', 'required: the numeric field to baseline, e.g. cpu_pct');
  const method = doc['method'] ?? 'ewma';
  if (method !== 'ewma' && method !== 'mad') p.add('method', `${show(method)}: use ewma or mad`);

  let weight: { alpha: number } | { halfLifeMs: number } = { alpha: ANOMALY_DEFAULTS.alpha };
  if (method === 'mad') {
    for (const k of ['half_life', 'alpha'] as const) if (doc[k] !== undefined) p.add(k, 'applies to method ewma only (mad uses window)');
  } else if (doc['window'] !== undefined) p.add('window', 'applies to method mad only (ewma uses half_life or alpha)');
  if (doc['half_life'] !== undefined && doc['alpha'] !== undefined) p.add('alpha', 'give half_life or alpha, not both');
  else if (doc['half_life'] !== undefined) {
    const h = parseDuration(doc['half_life']);
    if (h === null || h === 0) p.add('half_life', `${show(doc['half_life'])} is not a duration: write e.g. 30m`);
    else weight = { halfLifeMs: h };
  } else if (doc['alpha'] !== undefined) {
    const a = doc['alpha'];
    if (typeof a !== 'number' || !(a > 0 && a <= 1)) p.add('alpha', 'must be a number above 0 and at most 1');
    else weight = { alpha: a };
  }
  const size = doc['window'] === undefined ? ANOMALY_DEFAULTS.window : positiveInt(doc['window'], 'window', p, 3);
  const kRaw = doc['k'] ?? (method === 'mad' ? ANOMALY_DEFAULTS.kMad : ANOMALY_DEFAULTS.kEwma);
  if (typeof kRaw !== 'number' || !(kRaw > 0)) p.add('k', 'must be a number above 0 (the score beyond which a value is anomalous)');
  const warmupDefault = method === 'mad' && size !== null ? Math.min(ANOMALY_DEFAULTS.warmup, size) : ANOMALY_DEFAULTS.warmup;
  const warmup = doc['warmup'] === undefined ? warmupDefault : positiveInt(doc['warmup'], 'warmup', p, 0);
  let minStddev: number = ANOMALY_DEFAULTS.minStddev;
  if (doc['min_stddev'] !== undefined) {
    const q = parseQuantity(doc['min_stddev']);
    if (q === null || q.value <= 0) p.add('min_stddev', `${show(doc['min_stddev'])}: expected a number above 0 in the metric's units (e.g. 2, 2%, 1MB/s)`);
    else minStddev = q.value;
  }
  const direction = doc['direction'] ?? 'high';
  if (!(DIRECTIONS as readonly unknown[]).includes(direction)) p.add('direction', `${show(direction)}: use high, low or both`);
  if (p.count > 0 || typeof metric !== 'string' || size === null || warmup === null) return null;

  const k = kRaw as number;
  const dir = direction as Direction;
  const read = compileReader(metric);
  const filter = common.filter?.test ?? null;
  const { grouping } = common;
  const spec = findingSpec(common, [metric], common.filter?.threats ?? false);
  const make = (): Baseline => (method === 'mad' ? new RollingMad(size) : new Ewma(weight));
  const cache = env.cache;
  const guard = ruleGuard(cache, [[metric]], common.filter?.guard ?? []);
  const beyond = dir === 'high' ? (s: number) => s > k : dir === 'low' ? (s: number) => s < -k : (s: number) => Math.abs(s) > k;

  return {
    meta: common.meta,
    initialState: () => new LruMap<string, Baseline>(common.maxGroups),
    evaluate(events, baselines: LruMap<string, Baseline>) {
      let batch: FindingBatch | null = null;
      const pos = cache.candidates(guard, events);
      const n = pos === null ? events.length : pos.length;
      for (let k = 0; k < n; k++) {
        const i = pos === null ? k : (pos[k] as number);
        const ev = events[i] as NormalizedEvent;
        const r = read(ev);
        if (r === undefined) continue;
        const x = asNumber(Array.isArray(r) ? readValues(r, 1)[0] : r);
        if (x === null || (filter !== null && !filter(ev, i))) continue;
        const key = grouping.key(ev);
        let b = baselines.get(key);
        if (b === undefined) baselines.set(key, (b = make()));
        if (b.samples >= warmup) {
          const score = b.score(x, minStddev);
          if (beyond(score)) {
            const d = b.describe();
            const centre = d['baseline_mean'] ?? d['baseline_median'] ?? Number.NaN;
            const spread = d['stddev'] ?? (d['mad'] ?? Number.NaN) * MAD_TO_SIGMA;
            const context = { method, metric, value: x, score: round(score), k, samples: b.samples, min_stddev: minStddev, ...roundAll(d) };
            (batch ??= new FindingBatch(spec)).add(i, ev, { rank: Math.abs(score), vars: { value: x, score: round(score), baseline: round(centre), deviation: round(spread), metric }, context }, key);
          }
        }
        b.add(x, ev.ts);
      }
      return batch === null ? [] : batch.finish(events);
    },
  } as CompiledRule<LruMap<string, Baseline>>;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function roundAll(d: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) out[k] = round(v);
  return out;
}
