/**
 * The OpenAPI paths of the Elasticsearch endpoint (routes/elasticsearch.ts): POST /_bulk and
 * /{index}/_bulk, and the probes shippers make when they connect. Documented when direct ingest
 * runs in the server's process, as POST /api/v1/ingest.
 */
import { BULK_ACTIONS, INDEX_NAME_PATTERN } from '../listen/es-bulk-request.js';
import { BULK_MEDIA_TYPES, ES_VERSION } from './routes/elasticsearch.js';

type Obj = Record<string, unknown>;

/** Every 2xx here carries it: clients (the JS client, Logstash) refuse a server without it. */
const PRODUCT_HEADER: Obj = { 'X-Elastic-Product': { required: true, description: 'Always Elasticsearch: clients check it.', schema: { type: 'string', const: 'Elasticsearch' } } };

const str: Obj = { type: 'string' };
const int: Obj = { type: 'integer' };
const jsonOk = (description: string, schema: Obj): Obj => ({ description, headers: PRODUCT_HEADER, content: { 'application/json': { schema } } });
const SECURITY = [{ bearerAuth: [] }, { basicAuth: [] }, { elasticApiKey: [] }];
const AUTH_NOTE = 'Role ingest; the token as Bearer, as the password of Basic auth, or as the key of `ApiKey base64(id:key)`.';

/** The security schemes these operations add to the document's. */
export const ELASTICSEARCH_SECURITY_SCHEMES: Obj = {
  basicAuth: { type: 'http', scheme: 'basic', description: 'Elasticsearch endpoint only: any user name, an ingest token as the password.' },
  elasticApiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Elasticsearch endpoint only: `ApiKey <base64(id:key)>`, an ingest token as the key.' },
};

const bulkItem: Obj = {
  type: 'object',
  properties: {
    _index: { ...str, description: 'the index the item named (the topic of the stored event)' },
    _id: { ...str, description: "the client's _id, or 20 characters derived from the body and the position (the same in a retry)" },
    status: { type: 'integer', minimum: 200, maximum: 599, description: '201 stored; 200 index of an _id already stored (noop); 409 create of an _id already stored; 400 refused' },
    result: { enum: ['created', 'noop'] },
    _version: int,
    _shards: { type: 'object', properties: { total: int, successful: int, failed: int }, required: ['total', 'successful', 'failed'], additionalProperties: false },
    _seq_no: int,
    _primary_term: int,
    error: { type: 'object', properties: { type: str, reason: str }, required: ['type', 'reason'], additionalProperties: false },
  },
  required: ['_index', '_id', 'status'],
  additionalProperties: false,
};

const bulkResponse: Obj = {
  type: 'object',
  properties: {
    took: { type: 'integer', minimum: 0, description: 'ms' },
    errors: { type: 'boolean', description: 'true when an item has status 400 or more' },
    items: {
      type: 'array',
      description: 'one per item, in request order',
      items: {
        type: 'object',
        properties: Object.fromEntries(BULK_ACTIONS.map((a) => [a, bulkItem])),
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
      },
    },
  },
  required: ['took', 'errors', 'items'],
  additionalProperties: false,
};

const anyObject: Obj = { type: 'object' };

export function elasticsearchPaths(limits: { maxBodyBytes: number; maxLines: number }, errors: Obj, problem: (d: string) => Obj): Record<string, Obj> {
  const op = (operationId: string, summary: string, responses: Obj, extra: Obj = {}): Obj => ({ operationId, summary: `${summary} ${AUTH_NOTE}`, security: SECURITY, tags: ['elasticsearch'], ...extra, responses: { ...responses, ...errors } });
  const head = (operationId: string, summary: string, extra: Obj = {}): Obj => op(operationId, summary, { '200': { description: 'It exists.', headers: PRODUCT_HEADER } }, extra);
  const name = (p: string): Obj => ({ name: p, in: 'path', required: true, schema: { type: 'string', minLength: 1 } });

  const bulkBody: Obj = { type: 'string', pattern: '[^\\r\\n\\uFEFF]', description: `Action lines, each but delete followed by a source line (a JSON object); at most ${limits.maxLines} items and ${limits.maxBodyBytes} bytes.` };
  const bulk = (index: boolean): Obj => ({
    post: op(
      index ? 'esBulkIndex' : 'esBulk',
      `Elasticsearch bulk: NDJSON action and source lines (index and create store the document; update and delete are refused per item). Each document goes through the same decode, enrichment, detection and exactly-once store as a Kafka message, in one transaction with the others; the answer comes after the commit. Also taken as ${BULK_MEDIA_TYPES.filter((m) => m !== 'application/x-ndjson' && m !== 'text/plain').join(', ')}, and gzip (Content-Encoding). A retry of the same body to the same path within listeners.http.idempotency_window stores nothing and gets the same answer (Idempotent-Replayed: true).`,
      {
        '200': {
          description: 'Every item answered (errors true when one was refused).',
          headers: { ...PRODUCT_HEADER, 'Idempotent-Replayed': { description: 'true when this is the answer of the same request stored earlier', schema: { type: 'string', enum: ['true'] } } },
          content: { 'application/json': { schema: bulkResponse } },
        },
        '413': problem('Body larger than listeners.http.max_body_bytes (also once decompressed), or more than listeners.http.max_lines items.'),
        '415': problem('Another media type, or a Content-Encoding other than gzip.'),
      },
      {
        parameters: [
          ...(index ? [{ name: 'index', in: 'path', required: true, description: 'The index of items that name none.', schema: { type: 'string', pattern: INDEX_NAME_PATTERN } }] : []),
          ...['pipeline', 'refresh', 'routing', 'timeout', 'wait_for_active_shards', 'require_alias', 'filter_path'].map((p) => ({ name: p, in: 'query', required: false, description: 'Accepted and ignored.', schema: str })),
        ],
        requestBody: {
          required: true,
          content: {
            // Empty lines (and a leading byte-order mark) are skipped: a body needs one other character.
            'application/x-ndjson': { schema: bulkBody },
            'text/plain': { schema: bulkBody },
          },
        },
      },
    ),
  });

  const setup = (what: string, id: string): Obj => ({
    get: op(`esGet${id}`, `${what}: answered as present, so a shipper installs nothing.`, { '200': jsonOk('Present.', anyObject) }),
    head: head(`esHead${id}`, `${what}: answered as present.`),
    put: op(`esPut${id}`, `${what}: acknowledged; nothing is kept.`, { '200': jsonOk('Acknowledged.', { type: 'object', properties: { acknowledged: { const: true } }, required: ['acknowledged'], additionalProperties: false }) }, {
      requestBody: { required: false, content: { 'application/json': { schema: {} } } },
    }),
  });
  const nodes = jsonOk('No nodes: sniffing keeps the configured hosts.', {
    type: 'object',
    properties: { _nodes: anyObject, cluster_name: str, nodes: { type: 'object', maxProperties: 0 } },
    required: ['_nodes', 'cluster_name', 'nodes'],
  });

  return {
    '/': {
      get: op('esInfo', `Elasticsearch cluster info: version ${ES_VERSION}, default flavor.`, {
        '200': jsonOk('Cluster info.', {
          type: 'object',
          properties: {
            name: str,
            cluster_name: str,
            cluster_uuid: str,
            version: { type: 'object', properties: { number: { const: ES_VERSION }, build_flavor: { const: 'default' } }, required: ['number', 'build_flavor'] },
            tagline: str,
          },
          required: ['name', 'cluster_name', 'cluster_uuid', 'version', 'tagline'],
        }),
      }),
      head: head('esPing', 'Elasticsearch ping.'),
    },
    '/_bulk': bulk(false),
    '/{index}/_bulk': bulk(true),
    '/_license': { get: op('esLicense', 'A basic, active license.', { '200': jsonOk('The license.', { type: 'object', properties: { license: anyObject }, required: ['license'] }) }) },
    '/_xpack': { get: op('esXpack', 'Features: ILM and data streams available.', { '200': jsonOk('Features.', { type: 'object', properties: { features: anyObject }, required: ['features'] }) }) },
    '/_nodes': { get: op('esNodes', 'Nodes info.', { '200': nodes }) },
    '/_nodes/{a}': { get: op('esNodesA', 'Nodes info.', { '200': nodes }, { parameters: [name('a')] }) },
    '/_nodes/{a}/{b}': { get: op('esNodesAB', 'Nodes info.', { '200': nodes }, { parameters: [name('a'), name('b')] }) },
    '/_cluster/health': { get: op('esClusterHealth', 'Cluster health: green.', { '200': jsonOk('Health.', { type: 'object', properties: { status: { const: 'green' } }, required: ['status'] }) }) },
    '/_index_template/{name}': { parameters: [name('name')], ...setup('Index template', 'IndexTemplate') },
    '/_template/{name}': { parameters: [name('name')], ...setup('Legacy index template', 'Template') },
    '/_ilm/policy/{name}': { parameters: [name('name')], ...setup('ILM policy', 'IlmPolicy') },
    '/_ingest/pipeline/{name}': { parameters: [name('name')], ...setup('Ingest pipeline', 'IngestPipeline') },
    '/_alias/{name}': {
      parameters: [name('name')],
      get: op('esGetAlias', 'Alias: answered as present (Beats 7 then create no rollover index).', { '200': jsonOk('Present.', anyObject) }),
      head: head('esHeadAlias', 'Alias: answered as present.'),
    },
  };
}
