/**
 * The endpoints log shippers already speak, on the API port at the paths their clients expect
 * (role ingest; Bearer, or Basic with the token as password — shipper-credentials.ts):
 *
 * - POST /v1/logs — OTLP/HTTP logs, `application/x-protobuf` or `application/json`; answered
 *   with an ExportLogsServiceResponse in the same encoding (partial_success when records were
 *   refused); a 400, 413 or 415 carries a google.rpc.Status in that encoding.
 * - POST /loki/api/v1/push — Loki push, JSON or snappy-compressed protobuf; 204.
 *
 * Both take `Content-Encoding: gzip`. Every record or line becomes one JSON message
 * (src/core/shipper/) and goes through POST /api/v1/ingest's path: one request is one unit of
 * the direct-ingest queue, committed in one transaction with enrichment and detection, and the
 * answer comes after the commit (a 2xx means durable; any other answer means nothing was stored).
 *
 * Retries: these clients send no Idempotency-Key, so the key is derived from the content: the
 * endpoint and the SHA-256 of the decoded (decompressed) body. A request with the same content
 * within listeners.http.idempotency_window is taken as a retry and stores nothing again (its
 * first answer is given). Identical content sent again on purpose within the window is therefore
 * stored once; shippers stamp every record with its time, so real new data differs.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { formatPeer } from '../../listen/peer.js';
import { decodeLokiPush, DecompressedTooLarge, unsnappy, type LokiEncoding } from '../../listen/loki-push.js';
import { decodeOtlpLogs, otlpExportResponse, otlpStatus, UndecodableBody, type OtlpEncoding } from '../../listen/otlp-logs.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import { requireRole } from '../auth/authenticate.js';
import { readBody } from '../body.js';
import type { IngestPort, RouteEnv } from '../env.js';
import { HttpProblem } from '../problem.js';

export const OTLP_LOGS_PATH = '/v1/logs';
export const LOKI_PUSH_PATH = '/loki/api/v1/push';
/** The paths where Basic credentials are read as a token (shipper-credentials.ts). */
export const SHIPPER_PATHS: ReadonlySet<string> = new Set([OTLP_LOGS_PATH, LOKI_PUSH_PATH]);

const BODY_HINT = ' (listeners.http.max_body_bytes); send smaller batches';

export function registerShipperRoutes(router: Router, env: RouteEnv): void {
  const port: IngestPort | undefined = env.deps.ingest;
  if (!port) return;

  router.post(OTLP_LOGS_PATH, requireRole('ingest'), async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const type = mediaType(ctx);
    const encoding: OtlpEncoding | null = type === 'application/x-protobuf' ? 'protobuf' : type === 'application/json' ? 'json' : null;
    try {
      if (encoding === null) throw new HttpProblem(415, 'unsupported-media-type', 'send OTLP logs as application/x-protobuf or application/json');
      const body = await decodedBody(ctx, port, null);
      const decoded = decode(() => decodeOtlpLogs(body, encoding));
      tooMany(decoded.lines.length + decoded.rejected, port);
      if (decoded.lines.length > 0) await submit(ctx, port, 'otlp', encoding, body, decoded.lines);
      const answer = otlpExportResponse(encoding, decoded.rejected, decoded.firstProblem);
      ctx.status = 200;
      ctx.type = encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';
      ctx.body = answer;
    } catch (e) {
      // The request's own faults are answered as the OTLP/HTTP spec asks: a google.rpc.Status in
      // the request's encoding (JSON when it named none we take). Everything else (401, 403, 429,
      // 503 …) is a problem like on every other route.
      if (!(e instanceof HttpProblem) || ![400, 413, 415].includes(e.status)) throw e;
      ctx.status = e.status;
      ctx.type = encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';
      ctx.body = otlpStatus(encoding ?? 'json', e.message);
    }
  });

  router.post(LOKI_PUSH_PATH, requireRole('ingest'), async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const type = mediaType(ctx);
    const encoding: LokiEncoding | null = type === 'application/x-protobuf' ? 'protobuf' : type === 'application/json' ? 'json' : null;
    if (encoding === null) throw new HttpProblem(415, 'unsupported-media-type', 'send the push as application/json, or application/x-protobuf compressed with snappy');
    const body = await decodedBody(ctx, port, encoding === 'protobuf' ? 'snappy' : null);
    const lines = decode(() => decodeLokiPush(body, encoding));
    tooMany(lines.length, port);
    if (lines.length > 0) await submit(ctx, port, 'loki', encoding, body, lines);
    ctx.status = 204;
  });
}

function mediaType(ctx: Context): string {
  return (ctx.get('Content-Type').split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * The body as sent (max_body_bytes), gunzipped when Content-Encoding says gzip, and un-snappied
 * for Loki's protobuf; the decompressed body is held to max_body_bytes too.
 */
async function decodedBody(ctx: Context, port: IngestPort, framing: 'snappy' | null): Promise<Buffer> {
  const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpProblem(415, 'unsupported-media-type', `Content-Encoding ${encoding.slice(0, 40)} is not supported; send gzip or nothing`);
  }
  let body = await readBody(ctx, { limitBytes: port.maxBodyBytes, hint: BODY_HINT, closeOnDeclared: true });
  const tooLarge = () => new HttpProblem(413, 'payload-too-large', `the body is larger than ${port.maxBodyBytes} bytes once decompressed${BODY_HINT}`, { param: 'body' });
  if (encoding === 'gzip') {
    try {
      body = gunzipSync(body, { maxOutputLength: port.maxBodyBytes });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw tooLarge();
      throw new HttpProblem(400, 'bad-request', `Content-Encoding is gzip but the body is not gzip (${(e as Error).message})`, { param: 'body' });
    }
  }
  if (framing === 'snappy') {
    try {
      body = unsnappy(body, port.maxBodyBytes);
    } catch (e) {
      if (e instanceof DecompressedTooLarge) throw tooLarge();
      throw new HttpProblem(400, 'bad-request', (e as Error).message, { param: 'body' });
    }
  }
  return body;
}

function decode<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UndecodableBody) throw new HttpProblem(400, 'bad-request', e.message, { param: 'body' });
    throw e;
  }
}

function tooMany(n: number, port: IngestPort): void {
  if (n > port.maxLines) throw new HttpProblem(413, 'payload-too-large', `${n} records in one request; at most ${port.maxLines} (listeners.http.max_lines)`, { param: 'body' });
}

/** Stored in one transaction, keyed by endpoint + content so a retry is not stored twice. */
async function submit(ctx: Context, port: IngestPort, endpoint: string, encoding: string, body: Buffer, lines: Buffer[]): Promise<void> {
  const sha = createHash('sha256').update(encoding).update('\n').update(body).digest('hex');
  await port.submit(lines, formatPeer(ctx.request.ip, ctx.app.proxy ? undefined : ctx.req.socket.remotePort), { key: `${endpoint}:${sha}`, bodySha256: sha });
}
