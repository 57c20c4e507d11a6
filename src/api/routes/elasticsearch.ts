/**
 * The Elasticsearch endpoint on the API port, for shippers that only speak Elasticsearch
 * (Filebeat, Winlogbeat, Logstash, Fluent Bit, Vector, the official clients): POST /_bulk and
 * /{index}/_bulk into the same exactly-once pipeline as POST /api/v1/ingest (role ingest), and the
 * few requests they make when they connect, answered so they proceed. Registered only when direct
 * ingest runs in this process (listeners.http.enabled).
 *
 * The cluster logagg claims to be: Elasticsearch 8.19.0, default flavor, basic license. 8.19 is
 * the last 8.x: Beats 8 refuse a cluster older than themselves and Beats 9 take 8.19 (the
 * upgrade path), Vector and Logstash read the major (8: no mapping types, data streams), and
 * clients check the `X-Elastic-Product: Elasticsearch` header, sent on every answer here.
 *
 * Probes answered (every one needs an ingest token, as Elasticsearch with security on):
 *   GET|HEAD /           cluster info            GET /_license   a basic, active license
 *   GET /_xpack          features (ILM, data streams available)
 *   GET /_nodes[/…]      no nodes (sniffing keeps the configured hosts)
 *   GET /_cluster/health green
 *   GET|HEAD /_index_template/{name}, /_template/{name}, /_ilm/policy/{name},
 *   /_ingest/pipeline/{id}, /_alias/{name}: 200 (exists, so nothing is installed);
 *   PUT of the first four: {"acknowledged": true}, nothing kept.
 */
import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { badRequest } from '../../errors.js';
import { bulkAnswer, INDEX_NAME_PATTERN, parseBulk, type StoreOutcome } from '../../listen/es-bulk-request.js';
import { esBulkKey, type EsBulkDoc } from '../../listen/es-bulk.js';
import { formatPeer } from '../../listen/peer.js';
import { VERSION } from '../../version.js';
import { requireRole } from '../auth/authenticate.js';
import { readBody } from '../body.js';
import type { IngestPort, RouteEnv } from '../env.js';
import { HttpProblem } from '../problem.js';

const gunzipAsync = promisify(gunzip);

/** The Elasticsearch version claimed (see above). */
export const ES_VERSION = '8.19.0';

/**
 * Media types a bulk body may be sent as: the shippers' (the JS client sends the
 * vnd.elasticsearch ones), and text/plain for curl and tools that know no NDJSON.
 */
export const BULK_MEDIA_TYPES = ['application/x-ndjson', 'application/json', 'application/vnd.elasticsearch+x-ndjson', 'application/vnd.elasticsearch+json', 'text/plain'] as const;

const INDEX_NAME = new RegExp(INDEX_NAME_PATTERN);

/** The paths of this endpoint: `/`, anything under `/_…`, and `/{index}/_bulk`. */
export function isElasticsearchPath(path: string): boolean {
  return path === '/' || path.startsWith('/_') || /^\/[^/]+\/_bulk$/.test(path);
}

/**
 * Before authentication, on this endpoint's paths only: the shippers' ways of sending a token
 * become `Bearer <token>` — Basic auth whose password is the token (Beats, Logstash, Fluent Bit,
 * Vector), `ApiKey base64(id:key)` whose key is the token (Beats `api_key`, Logstash, the
 * clients). And every answer says it comes from Elasticsearch.
 */
export function elasticsearchCompat(): Middleware {
  return async (ctx: Context, next: Next) => {
    if (!isElasticsearchPath(ctx.path)) return next();
    ctx.set('X-Elastic-Product', 'Elasticsearch');
    const token = shipperToken(ctx.get('Authorization'));
    if (token !== null) ctx.req.headers.authorization = `Bearer ${token}`;
    return next();
  };
}

/** The token in a Basic or ApiKey Authorization header; null for any other (left as it is). */
export function shipperToken(header: string): string | null {
  const m = /^(Basic|ApiKey)\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (m === null) return null;
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const secret = decoded.slice(colon + 1);
  return secret === '' ? null : secret;
}

/** A stable cluster id: the same logagg always tells the same (Beats log it). */
function clusterUuid(name: string): string {
  return createHash('sha256').update(`logagg-cluster:${name}`).digest('base64url').slice(0, 22);
}

export function clusterInfo(name: string): Record<string, unknown> {
  return {
    name,
    cluster_name: name,
    cluster_uuid: clusterUuid(name),
    version: {
      number: ES_VERSION,
      build_flavor: 'default',
      build_type: 'tar',
      build_hash: `logagg-${VERSION}`,
      build_date: '2025-07-24T00:00:00.000Z',
      build_snapshot: false,
      lucene_version: '9.12.2',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

const LICENSE = {
  status: 'active',
  uid: '6c6f6761-6767-4c6f-9761-67676c6f6761',
  type: 'basic',
  issue_date: '2025-01-01T00:00:00.000Z',
  issue_date_in_millis: Date.UTC(2025, 0, 1),
  max_nodes: 1000,
  max_resource_units: null,
  issued_to: 'logagg',
  issuer: 'elasticsearch',
  start_date_in_millis: -1,
};

const XPACK = {
  build: { hash: `logagg-${VERSION}`, date: '2025-07-24T00:00:00.000Z' },
  license: { uid: LICENSE.uid, type: 'basic', mode: 'basic', status: 'active' },
  features: {
    data_streams: { available: true, enabled: true },
    ilm: { available: true, enabled: true },
    security: { available: true, enabled: true },
  },
  tagline: 'You know, for X',
};

/** The cluster's name in answers. */
const CLUSTER_NAME = 'logagg';

/** Paths whose objects shippers check for and install; answered as present, PUT acknowledged. */
const SETUP_PATHS = ['/_index_template/:name', '/_template/:name', '/_ilm/policy/:name', '/_ingest/pipeline/:name'];

export function registerElasticsearchRoutes(router: Router, env: RouteEnv): void {
  const port: IngestPort | undefined = env.deps.ingest;
  if (!port?.esBulk) return;
  const ingest = requireRole('ingest');
  const json = (ctx: Context, body: unknown) => {
    ctx.type = 'application/json';
    ctx.body = body;
  };

  router.get('/', ingest, (ctx) => json(ctx, clusterInfo(CLUSTER_NAME)));
  router.get('/_license', ingest, (ctx) => json(ctx, { license: LICENSE }));
  router.get('/_xpack', ingest, (ctx) => json(ctx, XPACK));
  router.get(['/_nodes', '/_nodes/:a', '/_nodes/:a/:b'], ingest, (ctx) =>
    json(ctx, { _nodes: { total: 0, successful: 0, failed: 0 }, cluster_name: CLUSTER_NAME, nodes: {} }),
  );
  router.get('/_cluster/health', ingest, (ctx) =>
    json(ctx, {
      cluster_name: CLUSTER_NAME,
      status: 'green',
      timed_out: false,
      number_of_nodes: 1,
      number_of_data_nodes: 1,
      active_primary_shards: 0,
      active_shards: 0,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: 0,
      delayed_unassigned_shards: 0,
      number_of_pending_tasks: 0,
      number_of_in_flight_fetch: 0,
      task_max_waiting_in_queue_millis: 0,
      active_shards_percent_as_number: 100,
    }),
  );
  router.get([...SETUP_PATHS, '/_alias/:name'], ingest, (ctx) => json(ctx, {}));
  router.put(SETUP_PATHS, ingest, async (ctx) => {
    // Read (and drop) what was sent, within the body limit, so the connection stays usable.
    await readBody(ctx, { limitBytes: port.maxBodyBytes });
    json(ctx, { acknowledged: true });
  });

  router.post(['/_bulk', '/:index/_bulk'], ingest, async (ctx) => {
    const started = performance.now();
    const index = ctx.params.index ?? null;
    if (index !== null && !INDEX_NAME.test(index)) {
      throw badRequest('index', "must be lower case, must not start with '_', '-', '+' or '.', must not contain \\ / * ? \" < > | , # or a space, at most 255 characters");
    }
    const media = ctx.get('Content-Type').split(';')[0]!.trim().toLowerCase();
    if (media !== '' && !(BULK_MEDIA_TYPES as readonly string[]).includes(media)) {
      throw new HttpProblem(415, 'unsupported-media-type', `send the bulk body as ${BULK_MEDIA_TYPES.join(', ')}`);
    }
    const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
    if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
      throw new HttpProblem(415, 'unsupported-media-type', `Content-Encoding ${encoding.slice(0, 40)} is not supported; send gzip or uncompressed`);
    }
    const hint = ' (listeners.http.max_body_bytes); send fewer documents per request (bulk_max_size, Buffer_Size, batch.max_bytes)';
    let body = await readBody(ctx, { limitBytes: port.maxBodyBytes, hint, closeOnDeclared: true });
    if (encoding === 'gzip' || encoding === 'x-gzip') body = await gunzipWithin(body, port.maxBodyBytes, hint);
    const sha = createHash('sha256').update(body).digest('hex');
    const parsed = parseBulk(body, index, sha, port.maxLines);
    if (!parsed.ok) {
      if (parsed.reason === 'too-many') {
        throw new HttpProblem(413, 'payload-too-large', `${parsed.count} documents in one request; at most ${port.maxLines} (listeners.http.max_lines)`, { param: 'body' });
      }
      throw badRequest('body', 'holds no line: send action and source lines (NDJSON)');
    }
    const docs: EsBulkDoc[] = [];
    for (const item of parsed.items) if (item.doc !== null) docs.push({ value: item.doc, index: item.index, id: item.clientId ? item.id : null });
    let outcomes: StoreOutcome[] = [];
    if (docs.length > 0) {
      // Behind a trusted proxy the address is the client's (X-Forwarded-For), the port would be the proxy's.
      const peer = formatPeer(ctx.request.ip, ctx.app.proxy ? undefined : ctx.req.socket.remotePort);
      const answer = await port.esBulk!(docs, peer, esBulkKey(index === null ? '/_bulk' : `/${index}/_bulk`, sha));
      if (answer.replayed) ctx.set('Idempotent-Replayed', 'true');
      outcomes = answer.created.map((c) => (c ? 'created' : 'exists'));
    }
    json(ctx, bulkAnswer(parsed.items, outcomes, performance.now() - started));
  });
}

/** The gunzipped body; 413 past `limit` bytes decompressed (a small body may inflate a lot), 400 when it is no gzip. */
async function gunzipWithin(body: Buffer, limit: number, hint: string): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpProblem(413, 'payload-too-large', `the body is larger than ${limit} bytes once decompressed${hint}`, { param: 'body' });
    }
    throw badRequest('body', `Content-Encoding is gzip but the body is not valid gzip (${(e as Error).message})`);
  }
}
