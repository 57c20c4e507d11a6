/**
 * One measured load run with autocannon: `connections` keep-alive connections, each sending the
 * next request as soon as the previous answer arrived (closed loop), for `durationS` seconds.
 * autocannon's own histogram keeps whole milliseconds only, too coarse for answers of 1–5 ms, so
 * every response time (hrtime, fractional ms) is taken from its `response` event and the
 * percentiles are computed here. Only 2xx answers count toward the latency figures; any other
 * answer or error is counted and reported. Not part of the appliance.
 */
import autocannon from 'autocannon';

export interface LoadRun {
  url: string;
  token: string;
  connections: number;
  durationS: number;
}

export interface LatencySummary {
  /** 2xx answers measured. */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadResult extends LatencySummary {
  /** 2xx answers per second over the run. */
  rps: number;
  /** Answers other than 2xx, plus connection errors and timeouts. */
  failed: number;
  /** The first failing status seen, for the report (e.g. 503). */
  failedStatus: number | null;
}

/** Nearest-rank percentile of ascending values (p in 0 … 100); NaN for none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1]!,
  };
}

export async function runLoad(run: LoadRun): Promise<LoadResult> {
  const times: number[] = [];
  let failed = 0;
  let failedStatus: number | null = null;
  const t0 = performance.now();
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    const options = { url: run.url, connections: run.connections, duration: run.durationS, headers: { authorization: `Bearer ${run.token}` }, timeout: 30 };
    instance = autocannon(options, (err: unknown, result: autocannon.Result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)));
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    else {
      failed++;
      failedStatus ??= statusCode;
    }
  });
  instance.on('reqError', () => failed++);
  const result = await done;
  const seconds = result.duration > 0 ? result.duration : (performance.now() - t0) / 1000;
  return { ...summarize(times), rps: times.length / seconds, failed: failed + result.timeouts, failedStatus };
}
