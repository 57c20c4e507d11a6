/**
 * The ingest side of the Elasticsearch bulk endpoint (POST /_bulk, /{index}/_bulk): one request =
 * one unit of the direct-ingest queue, so its documents are committed in one transaction (with
 * detection, exactly once) and the answer waits for it, as POST /api/v1/ingest.
 *
 * Each document is one message, its bytes as sent: the decoder recognizes ECS, Winlogbeat and the
 * other shipper shapes as it does from Kafka, and reads a plain document's `message` or `log` as
 * a line (source kind `es-bulk`, src/core/normalize.ts). Source: kind `es-bulk`, topic = the
 * index, partition -1, offset = the client's `_id` hashed (es-bulk-request.ts esIdOffset) or
 * null; the store keeps one event per topic, partition and offset, so a document with an index
 * and `_id` already stored is skipped and answered as existing.
 *
 * Retries: a request is keyed in ingest_keys by its path and the SHA-256 of its (decompressed)
 * body, written in the request's own transaction; the same body to the same path within
 * listeners.http.idempotency_window stores nothing and gets the same answer again (the ids are
 * derived from the body, so they are the same too). The stored answer holds counts, not one
 * status per item: in a replay a document with a client `_id` is answered as created when the
 * first request stored every such document, else as existing (it is stored either way).
 */
import { LogaggError } from '../errors.js';
import type { ListenerCounters } from '../ingest/ingest-stats.js';
import { findIngestKey } from '../store/ingest-keys.js';
import type { DirectIngest } from './direct-ingest.js';
import { esIdOffset } from './es-bulk-request.js';
import type { IdempotencyOptions } from './http-ingest.js';

/** One document to store. */
export interface EsBulkDoc {
  /** The source line as sent. */
  value: Buffer;
  index: string;
  /** The client's `_id`; null when it sent none. */
  id: string | null;
}

/** A bulk request's identity in ingest_keys. */
export interface EsBulkRequestKey {
  /** `es-bulk <path> <sha256>`: the path names the default index, which changes what is stored. */
  key: string;
  bodySha256: string;
}

export interface EsBulkAnswer {
  /** One per document: stored now (true) or already there (false). */
  created: boolean[];
  /** True when this is the stored answer of the same request, sent again. */
  replayed: boolean;
}

export class EsBulkIngest {
  private readonly inFlight = new Map<string, Promise<EsBulkAnswer>>();

  constructor(
    private readonly ingest: DirectIngest,
    private readonly counters: ListenerCounters,
    private readonly idempotency: IdempotencyOptions | null = null,
  ) {}

  /**
   * Resolves once every document is committed (or with the answer of the same request stored
   * earlier). Throws STORE_UNAVAILABLE (503, retry later) without taking anything when the queue
   * is full or logagg is stopping.
   */
  async submit(docs: EsBulkDoc[], peer: string, request: EsBulkRequestKey | null): Promise<EsBulkAnswer> {
    if (request === null || this.idempotency === null) return { created: await this.store(docs, peer), replayed: false };
    const { key, bodySha256 } = request;
    // The same body under the same key: a retry while the first is still being stored waits for it.
    const pending = this.inFlight.get(key);
    if (pending) return { ...(await pending), replayed: true };
    const expiredBefore = (this.idempotency.clock ?? Date.now)() - this.idempotency.windowMs;
    const row = findIngestKey(this.idempotency.store, key, expiredBefore);
    if (row && row.body_sha256 === bodySha256) {
      return { created: docs.map((d) => d.id === null || row.duplicates === 0), replayed: true };
    }
    const done = this.store(docs, peer, { key, bodySha256, expiredBefore }).then((created) => ({ created, replayed: false }));
    this.inFlight.set(key, done);
    try {
      return await done;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async store(docs: EsBulkDoc[], peer: string, key?: { key: string; bodySha256: string; expiredBefore: number }): Promise<boolean[]> {
    if (!this.ingest.accepting) throw new LogaggError('STORE_UNAVAILABLE', 'logagg is stopping; send again later', { canRetry: true });
    if (!this.ingest.hasRoom(docs.length)) {
      throw new LogaggError('STORE_UNAVAILABLE', `the ingest queue is full (${this.ingest.queued} messages waiting to be stored); send again later`, { canRetry: true });
    }
    this.counters.received += docs.length;
    for (const d of docs) this.counters.bytes += d.value.length;
    const messages = docs.map((d) => ({
      value: d.value,
      source: { kind: 'es-bulk', topic: d.index, partition: -1, offset: d.id === null ? null : esIdOffset(d.id), peer },
    }));
    return (await this.ingest.submitEach(messages, this.counters, key)).stored;
  }
}

/** The ingest_keys key of a bulk request to `path` (decompressed body hashed to `bodySha256`). */
export function esBulkKey(path: string, bodySha256: string): EsBulkRequestKey {
  return { key: `es-bulk ${path} ${bodySha256}`, bodySha256 };
}
