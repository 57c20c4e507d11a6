/**
 * Counters of the ingest path, read by `status`, `/readyz` and `/metrics`.
 * Plain numbers (no library): the Prometheus adapter reads them at scrape time.
 */
export class IngestStats {
  events = 0;
  batches = 0;
  parseErrors = 0;
  storeFailures = 0;
  skippedDuplicates = 0;
  /** Sum and count of batch latencies (prepare + store), milliseconds. */
  batchMsSum = 0;
  lastBatchAt = 0;
  /** When the consumer last got its partitions (group join), epoch ms; 0 = never. */
  assignedAt = 0;
  /** Consumer lag per "topic/partition", messages. */
  readonly lag = new Map<string, number>();
  /** Batch latencies, milliseconds, for a histogram. Bounded ring. */
  private readonly recent: number[] = [];

  recordBatch(events: number, parseErrors: number, ms: number): void {
    this.events += events;
    this.parseErrors += parseErrors;
    this.batches++;
    this.batchMsSum += ms;
    this.lastBatchAt = Date.now();
    if (this.recent.length >= 1024) this.recent.shift();
    this.recent.push(ms);
  }

  setLag(topic: string, partition: number, lag: number): void {
    this.lag.set(`${topic}/${partition}`, lag);
  }

  recentBatchMs(): readonly number[] {
    return this.recent;
  }
}
