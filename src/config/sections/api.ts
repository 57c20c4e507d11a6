import { z } from 'zod';
import { durationSchema } from '../units.js';

/**
 * The `api:` section of the config (REST API, auth, CORS, rate limits, limits, TLS).
 * Owned by the API; wired into the schema in src/config/schema.ts. config/default.yaml
 * documents the same keys with the same defaults.
 */

const duration = durationSchema();

export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** `scheme://host[:port]`, exactly as a browser sends it in `Origin` (no path, no trailing slash). */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:]+\](:\d{1,5})?$/;

const authSchema = z
  .strictObject({
    /** Pinned: tokens signed with any other algorithm (or `none`) are refused. */
    algorithm: z.enum(JWT_ALGORITHMS).default('HS256'),
    /** HS256: a file holding the shared secret (at least 32 bytes; surrounding whitespace is trimmed). */
    secret_file: z.string().nullable().default(null),
    /** HS256: the secret itself. Prefer secret_file or LOGAGG_API_AUTH_SECRET to writing it here. */
    secret: z.string().default(''),
    /** RS256 / ES256: a PEM public key (or certificate) file. */
    public_key_file: z.string().nullable().default(null),
    /** RS256 / ES256: a JWKS file ({"keys": [...]}); the key is chosen by the token's `kid`. */
    jwks_file: z.string().nullable().default(null),
    /** When set, the token's `iss` must equal it. */
    issuer: z.string().nullable().default(null),
    /** When set, the token's `aud` must contain it. */
    audience: z.string().nullable().default(null),
    /** Tolerance for `exp` and `nbf` against clock drift between issuer and logagg. */
    clock_skew: duration.default(30_000),
    /** Claim holding the role(s): a string or a list of viewer | analyst | admin | ingest. */
    roles_claim: z.string().min(1).default('roles'),
    /** Claim holding the host scope: a list of host names or `*` patterns; absent = all hosts. */
    hosts_claim: z.string().min(1).default('hosts'),
    /** Lifetime of a session (the token POST /api/v1/auth/login issues; HS256 only). */
    session_ttl: duration.default(43_200_000),
    /** Sign-in lockout, per account name and per client address. */
    lockout: z
      .strictObject({
        /** Failed sign-ins within `window` after which further attempts get 429 until the window passes. */
        max_failures: z.number().int().min(1).max(1000).default(5),
        window: duration.default(900_000),
      })
      .prefault({}),
  })
  .prefault({});

const corsSchema = z
  .strictObject({
    /** Origins allowed to call the API from a browser, e.g. https://dash.example.com. Empty = none. */
    origins: z.array(z.string().regex(ORIGIN, 'must be an origin like https://dash.example.com:8443, or "*"').or(z.literal('*'))).default([]),
    /** Allow cookies / Authorization with credentialed requests. Refused together with "*". */
    credentials: z.boolean().default(false),
    /** How long a browser may cache a preflight answer. */
    max_age: duration.default(600_000),
  })
  .prefault({})
  .superRefine((c, ctx) => {
    if (c.credentials && c.origins.includes('*')) {
      ctx.addIssue({ code: 'custom', path: ['origins'], message: '"*" cannot be used with credentials: true; list the dashboard origins explicitly' });
    }
  });

const bucketSchema = (rate: number, burst: number) =>
  z
    .strictObject({
      /** Tokens added per second. */
      rate: z.number().positive().default(rate),
      /** Bucket size: the most requests allowed in a burst. */
      burst: z.number().int().min(1).default(burst),
    })
    .prefault({});

const rateLimitSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Per client address, checked before authentication (slows token guessing). */
    per_ip: bucketSchema(20, 100),
    /** Per token, checked after authentication. */
    per_token: bucketSchema(20, 100),
    /** Buckets remembered at most (least recently used are forgotten first). */
    max_clients: z.number().int().min(100).max(10_000_000).default(100_000),
  })
  .prefault({});

const limitsSchema = z
  .strictObject({
    /** Largest request body, bytes. */
    body_bytes: z.number().int().min(256).max(16 * 1024 * 1024).default(16_384),
    /** A search or count running longer than this is stopped with 503 QUERY_TIMEOUT. */
    query_budget: duration.default(2_000),
    /** Page size when `limit` is not given. */
    default_page: z.number().int().min(1).max(1000).default(100),
    /** Largest `limit` accepted. */
    max_page: z.number().int().min(1).max(1000).default(1000),
    /** Open /stream connections at most; more get 503. */
    max_streams: z.number().int().min(1).max(10_000).default(64),
  })
  .prefault({})
  .superRefine((l, ctx) => {
    if (l.default_page > l.max_page) ctx.addIssue({ code: 'custom', path: ['default_page'], message: 'must not exceed max_page' });
  });

const streamSchema = z
  .strictObject({
    /** How often the stream looks for new rows. */
    poll_interval: duration.default(500),
    /** A comment line is sent this often so proxies keep an idle stream open. */
    heartbeat: duration.default(15_000),
    /** Rows sent per poll and connection at most; the rest follow on the next poll. */
    batch: z.number().int().min(1).max(10_000).default(500),
  })
  .prefault({});

const tlsSchema = z
  .strictObject({
    /** PEM certificate chain and private key; HTTPS is served when both are set. */
    cert_file: z.string().nullable().default(null),
    key_file: z.string().nullable().default(null),
    /** Oldest TLS version accepted. */
    min_version: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
    /** Strict-Transport-Security max-age sent over HTTPS. 0 = no header. */
    hsts_max_age: duration.default(15_552_000_000),
  })
  .prefault({})
  .superRefine((t, ctx) => {
    if ((t.cert_file === null) !== (t.key_file === null)) {
      ctx.addIssue({ code: 'custom', path: [t.cert_file === null ? 'cert_file' : 'key_file'], message: 'set both cert_file and key_file, or neither' });
    }
  });

export const apiSchema = z
  .strictObject({
    /** Serve the REST API from `logagg serve`. */
    enabled: z.boolean().default(true),
    /** Listen address and port. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Take the client address from X-Forwarded-For (only behind a trusted reverse proxy). */
    trust_proxy: z.boolean().default(false),
    auth: authSchema,
    cors: corsSchema,
    rate_limit: rateLimitSchema,
    limits: limitsSchema,
    stream: streamSchema,
    tls: tlsSchema,
  })
  .prefault({});

export type ApiConfig = z.output<typeof apiSchema>;
