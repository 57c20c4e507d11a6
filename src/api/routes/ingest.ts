/**
 * POST /api/v1/ingest (role ingest): NDJSON, a JSON array or text lines, one message each,
 * through the same decode … detect … store path as Kafka messages. The answer comes only
 * after the request's messages are committed in one transaction: a 2xx means durable; any
 * other answer means nothing of the request was stored. Registered only when ingest runs in
 * this process (ApiDeps.ingest).
 */
import type Router from '@koa/router';
import { createHash } from 'node:crypto';
import { badRequest } from '../../errors.js';
import { BODY_MEDIA_TYPES, bodyKind, splitBody } from '../../listen/http-lines.js';
import { formatPeer } from '../../listen/peer.js';
import { requireRole } from '../auth/authenticate.js';
import { readBody } from '../body.js';
import type { IngestPort, RouteEnv } from '../env.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import { HttpProblem } from '../problem.js';

export const INGEST_PATH = '/ingest';

/**
 * An Idempotency-Key: 1–255 visible ASCII characters (a UUID is the usual choice). The header
 * name and the replay marker follow the IETF draft and common practice (Stripe).
 */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7E]{1,255}$';
const IDEMPOTENCY_KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/** The ingest route's body limit: the 413 says which key sets it and what to do. */
const BODY_HINT = ' (listeners.http.max_body_bytes); send fewer messages per request';

export function registerIngestRoute(router: Router, env: RouteEnv): void {
  const port: IngestPort | undefined = env.deps.ingest;
  if (!port) return;

  router.post(INGEST_PATH, requireRole('ingest'), async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    // Present but empty is refused too: the document allows no empty key, and a client that
    // meant to send one must not silently lose its protection against doubles.
    const sent = ctx.req.headers['idempotency-key'] !== undefined;
    const key = ctx.get('Idempotency-Key');
    if (sent && !IDEMPOTENCY_KEY.test(key)) throw badRequest('Idempotency-Key', 'must be 1 to 255 visible ASCII characters, e.g. a UUID');
    const kind = bodyKind(ctx.get('Content-Type'));
    if (kind === null) {
      throw new HttpProblem(415, 'unsupported-media-type', `send the body as one of ${Object.keys(BODY_MEDIA_TYPES).join(', ')}`);
    }
    const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
    if (encoding !== '' && encoding !== 'identity') {
      throw new HttpProblem(415, 'unsupported-media-type', `Content-Encoding ${encoding.slice(0, 40)} is not supported; send the body uncompressed`);
    }
    const body = await readBody(ctx, { limitBytes: port.maxBodyBytes, hint: BODY_HINT, closeOnDeclared: true });
    const split = splitBody(body, kind, port.maxLines);
    if (!split.ok) {
      if (split.reason === 'too-many') {
        throw new HttpProblem(413, 'payload-too-large', `${split.count} messages in one request; at most ${port.maxLines} (listeners.http.max_lines)`, { param: 'body' });
      }
      throw badRequest('body', `not valid JSON (${split.error}); send application/x-ndjson or text/plain to store lines as they are`);
    }
    if (split.lines.length === 0) throw badRequest('body', 'holds no message (every line is empty)');
    // Behind a trusted proxy the address is the client's (X-Forwarded-For), the port would be the proxy's.
    // The media type is part of what was sent: the same bytes as text or as JSON are other messages.
    const request = !sent ? undefined : { key, bodySha256: createHash('sha256').update(kind).update('\n').update(body).digest('hex') };
    const { replayed, ...outcome } = await port.submit(split.lines, formatPeer(ctx.request.ip, ctx.app.proxy ? undefined : ctx.req.socket.remotePort), request);
    if (replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = outcome;
  });
}
