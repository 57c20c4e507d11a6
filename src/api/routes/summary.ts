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
    const to = range.to ?? now;
    const from = range.from ?? to - DAY_MS;
    if (from > to) throw badRequest('from', 'must not be after `to` (the default `to` is now)');
    if (from < 0) throw badRequest('from', 'must not be before 1970');
    const bucket = r.choice('bucket', Object.keys(BUCKETS) as BucketName[]) ?? defaultBucket(to - from);
    if ((to - from) / BUCKETS[bucket] > MAX_BUCKETS) throw badRequest('bucket', `the range spans more than ${MAX_BUCKETS} buckets of ${bucket}; use a wider bucket`);
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
