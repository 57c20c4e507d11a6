/**
 * GET /metrics/summary?from&to&bucket&host — see ../summary.ts.
 */
import type Router from '@koa/router';
import { badRequest } from '../../errors.js';
import { MAX_BUCKETS } from '../../store/rollup-reader.js';
import { principalOf, requireRole } from '../auth/authenticate.js';
import type { RouteEnv } from '../env.js';
import { withApiParams } from '../../query/log-query.js';
import { QueryReader, timeRange, type RawQuery } from '../../query/params.js';
import { BUCKETS, computeSummary, defaultBucket, type BucketName } from '../summary.js';

const DAY_MS = 86_400_000;

export function registerSummaryRoutes(router: Router, env: RouteEnv): void {
  router.get('/metrics/summary', requireRole('viewer'), (ctx) => {
    const r = new QueryReader(ctx.query as RawQuery, ['from', 'to', 'bucket', 'host']);
    const now = env.now();
    const range = timeRange(r, now);
    // Each parameter valid alone gives an answer (what the OpenAPI document can promise); the
    // answer's from, to and bucket say which window was summarized:
    // to before 1970 → 1970; from after to → the empty window at to; from before 1970 → 1970;
    // a bucket too fine for the window → the narrowest that keeps it under MAX_BUCKETS; a window
    // too long even for 1d → its last MAX_BUCKETS days.
    const to = Math.max(0, range.to ?? now);
    let from = Math.min(to, Math.max(0, range.from ?? to - DAY_MS));
    const names = Object.keys(BUCKETS) as BucketName[];
    let bucket = r.choice('bucket', names) ?? defaultBucket(to - from);
    // One bucket of room: the window starts at the bucket holding `from`.
    const most = MAX_BUCKETS - 1;
    while ((to - from) / BUCKETS[bucket] > most && bucket !== '1d') bucket = names[names.indexOf(bucket) + 1]!;
    if ((to - from) / BUCKETS[bucket] > most) from = to - most * BUCKETS[bucket];
    const hosts = r.list('host');
    const scope = principalOf(ctx).hostScope;
    ctx.body = withApiParams(() =>
      computeSummary(env.deps.store, env.deps.alerts, {
        from,
        to,
        bucket,
        ...(hosts ? { hosts } : {}),
        ...(scope ? { hostScope: scope } : {}),
      }),
    );
  });
}
