/**
 * GET /api/v1/status (viewer, token without host scope): the database's size and time span and
 * the retention in force — what the console's status page shows beside /readyz and /metrics.
 * Cheap: file sizes, three pragmas and the ends of the logs_ts index; no table scan.
 */
import { statSync } from 'node:fs';
import type Router from '@koa/router';
import type { FrozenConfig } from '../../config/load.js';
import { sqlOf } from '../../store/connection.js';
import { toStoreError } from '../../store/sqlite.js';
import type { Store } from '../../store/store.js';
import { requireRole, requireUnscoped } from '../auth/authenticate.js';
import type { RouteEnv } from '../env.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import { isoOrNull } from '../../query/render.js';

export type RetentionSettings = Pick<FrozenConfig['retention'], 'days' | 'rollup_1m_days' | 'rollup_1h_days'>;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function storeStatus(store: Store, retention: RetentionSettings | null) {
  try {
    const c = sqlOf(store);
    const one = (sql: string): number | null => {
      const v = c.statement(sql).pluck().get();
      return v === null || v === undefined ? null : Number(v);
    };
    const wal = fileSize(`${store.path}-wal`);
    const pageSize = Number(c.db.pragmaValue('page_size'));
    const pages = Number(c.db.pragmaValue('page_count'));
    const free = Number(c.db.pragmaValue('freelist_count'));
    const minId = one('SELECT min(id) FROM logs');
    const maxId = one('SELECT max(id) FROM logs');
    return {
      database: {
        schema_version: store.schemaVersion,
        file_bytes: fileSize(store.path) + wal + fileSize(`${store.path}-shm`),
        wal_bytes: wal,
        free_bytes: free * pageSize,
        page_size: pageSize,
        page_count: pages,
        logs_estimate: minId === null || maxId === null ? 0 : maxId - minId + 1,
        oldest_log: isoOrNull(one('SELECT min(ts) FROM logs')),
        newest_log: isoOrNull(one('SELECT max(ts) FROM logs')),
      },
      retention: retention === null ? null : { days: retention.days, rollup_1m_days: retention.rollup_1m_days, rollup_1h_days: retention.rollup_1h_days },
    };
  } catch (e) {
    throw toStoreError(e, 'reading the database status');
  }
}

export function registerStatusRoute(router: Router, env: RouteEnv): void {
  router.get('/status', requireRole('viewer'), requireUnscoped('/api/v1/status'), (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    ctx.body = storeStatus(env.deps.store, env.deps.retention ?? null);
  });
}

type Obj = Record<string, unknown>;
const closed = (properties: Record<string, Obj>): Obj => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });
const bytes: Obj = { type: 'integer', minimum: 0 };
const days: Obj = { type: 'number', minimum: 0, description: 'Days kept; 0 = forever.' };

/** The OpenAPI path item of GET /status (src/api/openapi.ts adds the shared error answers). */
export function statusPathItem(errors: Obj): Obj {
  return {
    get: {
      operationId: 'status',
      summary: 'The database’s size and time span and the retention in force (role viewer, token without host scope).',
      responses: {
        '200': {
          description: 'OK',
          content: {
            'application/json': {
              schema: closed({
                database: closed({
                  schema_version: { type: 'integer', minimum: 0 },
                  file_bytes: { ...bytes, description: 'The database file with its -wal and -shm files.' },
                  wal_bytes: bytes,
                  free_bytes: { ...bytes, description: 'Pages freed by retention, waiting for reuse.' },
                  page_size: { type: 'integer', minimum: 1 },
                  page_count: { type: 'integer', minimum: 0 },
                  logs_estimate: { ...bytes, description: 'max(id) - min(id) + 1: an upper bound on the stored logs.' },
                  oldest_log: { type: ['string', 'null'], format: 'date-time' },
                  newest_log: { type: ['string', 'null'], format: 'date-time' },
                }),
                retention: {
                  oneOf: [
                    { type: 'null', description: 'Not known to this process.' },
                    closed({ days, rollup_1m_days: days, rollup_1h_days: days }),
                  ],
                },
              }),
            },
          },
        },
        ...errors,
      },
    },
  };
}
