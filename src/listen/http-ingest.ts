/**
 * The ingest port behind POST /api/v1/ingest: one request = one unit of the direct-ingest
 * queue, so its messages are committed in one transaction and the answer waits for it.
 *
 * Idempotency-Key: a request with a key is stored once. Its key, the SHA-256 of what was sent
 * and its answer are written in the request's own transaction (store/ingest-keys.ts); a retry
 * within the window (listeners.http.idempotency_window) gets that answer again, marked
 * replayed, and stores nothing, also after a restart. A retry that arrives while the first is
 * still being stored waits for it (one process is the only writer, so a map of the keys in
 * flight is enough). The same key with another body is IDEMPOTENCY_KEY_REUSED (422).
 */
import type { FrozenConfig } from '../config/load.js';
import { LogaggError } from '../errors.js';
import type { ListenerCounters } from '../ingest/ingest-stats.js';
import { findIngestKey } from '../store/ingest-keys.js';
import type { Store } from '../store/store.js';
import type { DirectIngest, IngestOutcome } from './direct-ingest.js';
import { EsBulkIngest, type EsBulkAnswer, type EsBulkDoc, type EsBulkRequestKey } from './es-bulk.js';

/** What a client sent under an Idempotency-Key. */
export interface IdempotentRequest {
  key: string;
  /** Hex SHA-256 of the media type and the body. */
  bodySha256: string;
}

/** The answer, and whether it is the stored answer of an earlier request with the same key. */
export type IngestAnswer = IngestOutcome & { replayed: boolean };

export interface IdempotencyOptions {
  /** Where keys are looked up (the ingest side's connection). */
  store: Store;
  /** How long a key is remembered, ms. */
  windowMs: number;
  /** Epoch ms; defaults to Date.now. */
  clock?: () => number;
}

export class HttpIngest {
  readonly maxBodyBytes: number;
  readonly maxLines: number;
  private readonly inFlight = new Map<string, { bodySha256: string; done: Promise<IngestOutcome> }>();
  /** The Elasticsearch bulk endpoint: same queue, limits, counters and idempotency window (es-bulk.ts). */
  private readonly bulk: EsBulkIngest;

  constructor(
    private readonly ingest: DirectIngest,
    private readonly counters: ListenerCounters,
    private readonly config: FrozenConfig['listeners']['http'],
    private readonly idempotency: IdempotencyOptions | null = null,
  ) {
    this.maxBodyBytes = config.max_body_bytes;
    this.maxLines = config.max_lines;
    this.bulk = new EsBulkIngest(ingest, counters, idempotency);
  }

  /** POST /_bulk's documents (es-bulk.ts). */
  esBulk(docs: EsBulkDoc[], peer: string, request: EsBulkRequestKey | null): Promise<EsBulkAnswer> {
    return this.bulk.submit(docs, peer, request);
  }

  /**
   * Resolves once every line is committed (or with the stored answer of the same keyed request).
   * Throws STORE_UNAVAILABLE (503, retry later) without taking anything when the queue is full
   * or logagg is stopping, IDEMPOTENCY_KEY_REUSED when the key came with another body.
   */
  async submit(lines: Buffer[], peer: string, request?: IdempotentRequest): Promise<IngestAnswer> {
    if (!request || !this.idempotency) return { ...(await this.store(lines, peer)), replayed: false };
    const { key, bodySha256 } = request;
    const reused = () =>
      new LogaggError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request body; use a new key for new messages', {
        details: { param: 'Idempotency-Key' },
      });
    const pending = this.inFlight.get(key);
    if (pending) {
      if (pending.bodySha256 !== bodySha256) throw reused();
      return { ...(await pending.done), replayed: true };
    }
    const expiredBefore = (this.idempotency.clock ?? Date.now)() - this.idempotency.windowMs;
    const row = findIngestKey(this.idempotency.store, key, expiredBefore);
    if (row) {
      if (row.body_sha256 !== bodySha256) throw reused();
      return { stored: row.stored, duplicates: row.duplicates, parse_errors: row.parse_errors, replayed: true };
    }
    const done = this.store(lines, peer, { key, bodySha256, expiredBefore });
    this.inFlight.set(key, { bodySha256, done });
    try {
      return { ...(await done), replayed: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  private store(lines: Buffer[], peer: string, key?: { key: string; bodySha256: string; expiredBefore: number }): Promise<IngestOutcome> {
    if (!this.ingest.accepting) throw new LogaggError('STORE_UNAVAILABLE', 'logagg is stopping; send again later', { canRetry: true });
    if (!this.ingest.hasRoom(lines.length)) {
      throw new LogaggError('STORE_UNAVAILABLE', `the ingest queue is full (${this.ingest.queued} messages waiting to be stored); send again later`, { canRetry: true });
    }
    this.counters.received += lines.length;
    for (const l of lines) this.counters.bytes += l.length;
    const topic = this.config.name;
    return this.ingest.submit(
      lines.map((value) => ({ value, source: { kind: 'http', topic, partition: -1, offset: null, peer } })),
      this.counters,
      key,
    );
  }
}
