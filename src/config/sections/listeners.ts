import { z } from 'zod';
import { durationSchema } from '../units.js';

/**
 * The `listeners:` section: direct ingest for sites without Kafka — syslog over UDP, TCP and
 * TLS (RFC 5426, 6587, 5425) and HTTP (POST /api/v1/ingest). Every listener is off by default.
 * Wired into the schema in src/config/schema.ts; config/default.yaml documents the same keys
 * with the same defaults.
 */

const duration = durationSchema('100ms, 1s or 5m');

/** The listener's name: stored as the events' source topic, and the label of its counters. */
const name = (fallback: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use letters, digits, ".", "_" or "-" (at most 64)').default(fallback);
const host = z.string().min(1, 'must not be empty; 0.0.0.0 listens on every IPv4 address, :: on every address');
const port = (fallback: number) => z.number().int().min(0).max(65535).default(fallback);

export const FRAMINGS = ['auto', 'octet-counting', 'lf'] as const;
export type Framing = (typeof FRAMINGS)[number];

const udpSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    name: name('syslog-udp'),
    host: host.default('127.0.0.1'),
    port: port(5514),
    /** SO_RCVBUF asked of the kernel, bytes (Linux caps it at net.core.rmem_max). */
    receive_buffer: z.number().int().min(4096).max(1024 * 1024 * 1024).default(4 * 1024 * 1024),
  })
  .prefault({});

const streamFields = {
  /** RFC 6587: `auto` picks octet counting (`LEN SP MSG`) or LF framing from each connection's first byte. */
  framing: z.enum(FRAMINGS).default('auto'),
  /** A frame longer than this is cut (the rest skipped) and counted as truncated, bytes. */
  max_message_bytes: z.number().int().min(480).max(16 * 1024 * 1024).default(64 * 1024),
  /** Open connections at most; further ones are refused. */
  max_connections: z.number().int().min(1).max(100_000).default(1000),
  /** A connection silent this long is closed. 0 = never. */
  idle_timeout: duration.default(0),
};

const tcpSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    name: name('syslog-tcp'),
    host: host.default('127.0.0.1'),
    port: port(5514),
    ...streamFields,
  })
  .prefault({});

const tlsSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    name: name('syslog-tls'),
    host: host.default('127.0.0.1'),
    /** 6514 is the port RFC 5425 assigns to syslog over TLS. */
    port: port(6514),
    ...streamFields,
    /** PEM certificate chain and private key of the listener; both required when enabled. */
    cert_file: z.string().nullable().default(null),
    key_file: z.string().nullable().default(null),
    /** PEM CA bundle: when set, clients must present a certificate it signed (mutual TLS). */
    ca_file: z.string().nullable().default(null),
    min_version: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  })
  .prefault({})
  .superRefine((t, ctx) => {
    if (!t.enabled) return;
    if (t.cert_file === null) ctx.addIssue({ code: 'custom', path: ['cert_file'], message: 'required when listeners.tls.enabled is true (a PEM certificate chain)' });
    if (t.key_file === null) ctx.addIssue({ code: 'custom', path: ['key_file'], message: 'required when listeners.tls.enabled is true (a PEM private key)' });
  });

const httpSchema = z
  .strictObject({
    /** Serve POST /api/v1/ingest from `logagg serve` (tokens with the ingest role). */
    enabled: z.boolean().default(false),
    name: name('http'),
    /** Largest request body, bytes; larger ones get 413. */
    max_body_bytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(4 * 1024 * 1024),
    /** Most messages in one request; more get 413. One request is stored in one transaction. */
    max_lines: z.number().int().min(1).max(1_000_000).default(10_000),
    /**
     * How long an Idempotency-Key and its answer are remembered, ms (a retry within it stores
     * nothing); 0 turns keys off (the header is then ignored).
     */
    idempotency_window: duration.default(86_400_000), // one day
  })
  .prefault({});

const batchSchema = z
  .strictObject({
    /** Messages from the listeners written in one SQLite transaction at most. */
    max_messages: z.number().int().min(1).max(100_000).default(1000),
    /** How long the first waiting message may wait for others to share its transaction. */
    linger: duration.default(100),
  })
  .prefault({});

export const listenersSchema = z
  .strictObject({
    udp: udpSchema,
    tcp: tcpSchema,
    tls: tlsSchema,
    http: httpSchema,
    batch: batchSchema,
    /**
     * Messages received and not yet stored, at most (all listeners together). When full, UDP
     * datagrams are dropped and counted, TCP connections are paused, HTTP gets 503.
     */
    queue_max: z.number().int().min(1).max(10_000_000).default(100_000),
  })
  .prefault({})
  .superRefine((l, ctx) => {
    const names = new Map<string, string>();
    for (const key of ['udp', 'tcp', 'tls', 'http'] as const) {
      const n = l[key].name;
      if (l[key].enabled && names.has(n)) ctx.addIssue({ code: 'custom', path: [key, 'name'], message: `"${n}" is already the name of listeners.${names.get(n)}` });
      if (l[key].enabled) names.set(n, key);
    }
    if (l.http.enabled && l.http.max_lines > l.queue_max) {
      ctx.addIssue({ code: 'custom', path: ['http', 'max_lines'], message: `must not exceed listeners.queue_max (${l.queue_max}): a request is queued whole` });
    }
    if (l.tcp.enabled && l.tls.enabled && l.tcp.port === l.tls.port && l.tcp.port !== 0 && l.tcp.host === l.tls.host) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'port'], message: `listeners.tcp already listens on ${l.tcp.host}:${l.tcp.port}` });
    }
  });

export type ListenersConfig = z.output<typeof listenersSchema>;
