/**
 * The ingest port behind POST /api/v1/ingest: one request = one unit of the direct-ingest
 * queue, so its messages are committed in one transaction and the answer waits for it.
 */
import type { FrozenConfig } from '../config/load.js';
import { LogaggError } from '../errors.js';
import type { ListenerCounters } from '../ingest/ingest-stats.js';
import type { DirectIngest, IngestOutcome } from './direct-ingest.js';

export class HttpIngest {
  readonly maxBodyBytes: number;
  readonly maxLines: number;

  constructor(
    private readonly ingest: DirectIngest,
    private readonly counters: ListenerCounters,
    private readonly config: FrozenConfig['listeners']['http'],
  ) {
    this.maxBodyBytes = config.max_body_bytes;
    this.maxLines = config.max_lines;
  }

  /**
   * Resolves once every line is committed. Throws STORE_UNAVAILABLE (503, retry later)
   * without taking anything when the queue is full or logagg is stopping.
   */
  submit(lines: Buffer[], peer: string): Promise<IngestOutcome> {
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
    );
  }
}
