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
  /** Direct-ingest listeners (syslog, HTTP) by name; empty when none runs. */
  readonly listeners = new Map<string, ListenerCounters>();
  /** Messages the listeners received that wait to be stored, and the bound (listeners.queue_max). */
  readonly directQueue = { depth: 0, max: 0 };
  /** Set while the store refuses writes for lack of disk (src/app/disk-budget.ts); null otherwise. */
  storePaused: IngestPause | null = null;
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

  /**
   * The counters as plain data (structured-clone safe): `serve` sends them to the API's worker
   * thread, which applies them to its own IngestStats (src/api/worker/).
   */
  snapshot(): IngestStatsSnapshot {
    return {
      events: this.events,
      batches: this.batches,
      parseErrors: this.parseErrors,
      storeFailures: this.storeFailures,
      skippedDuplicates: this.skippedDuplicates,
      batchMsSum: this.batchMsSum,
      lastBatchAt: this.lastBatchAt,
      assignedAt: this.assignedAt,
      lag: [...this.lag],
      listeners: [...this.listeners.values()].map((c) => ({ ...c })),
      directQueue: { ...this.directQueue },
      recent: [...this.recent],
      storePaused: this.storePaused === null ? null : { ...this.storePaused },
    };
  }

  /** Makes these counters equal to a snapshot (listeners and lag entries it lacks are removed). */
  apply(s: IngestStatsSnapshot): void {
    this.events = s.events;
    this.batches = s.batches;
    this.parseErrors = s.parseErrors;
    this.storeFailures = s.storeFailures;
    this.skippedDuplicates = s.skippedDuplicates;
    this.batchMsSum = s.batchMsSum;
    this.lastBatchAt = s.lastBatchAt;
    this.assignedAt = s.assignedAt;
    this.lag.clear();
    for (const [k, v] of s.lag) this.lag.set(k, v);
    const names = new Set(s.listeners.map((l) => l.name));
    for (const name of [...this.listeners.keys()]) if (!names.has(name)) this.listeners.delete(name);
    for (const l of s.listeners) Object.assign(this.listener(l.name, l.kind), l);
    this.directQueue.depth = s.directQueue.depth;
    this.directQueue.max = s.directQueue.max;
    this.recent.length = 0;
    this.recent.push(...s.recent);
    this.storePaused = s.storePaused === null ? null : { ...s.storePaused };
  }

  /** The counters of one listener, created on first use. */
  listener(name: string, kind: string): ListenerCounters {
    let c = this.listeners.get(name);
    if (!c) {
      c = new ListenerCounters(name, kind);
      this.listeners.set(name, c);
    }
    return c;
  }
}

/** Why ingest is paused: the store refuses writes (a full disk, an I/O error). */
export interface IngestPause {
  /** What stops the store from taking writes, for /readyz and the log. */
  reason: string;
  /** The SQLite error code behind it (SQLITE_FULL, SQLITE_IOERR_…). */
  code: string;
  /** Epoch ms. */
  since: number;
}

/** IngestStats as plain data (IngestStats.snapshot). */
export interface IngestStatsSnapshot {
  events: number;
  batches: number;
  parseErrors: number;
  storeFailures: number;
  skippedDuplicates: number;
  batchMsSum: number;
  lastBatchAt: number;
  assignedAt: number;
  lag: [string, number][];
  listeners: ListenerCountersData[];
  directQueue: { depth: number; max: number };
  recent: number[];
  storePaused: IngestPause | null;
}

/** A listener's counters as plain data. */
export type ListenerCountersData = { -readonly [K in keyof ListenerCounters]: ListenerCounters[K] };

/**
 * Counters of one direct-ingest listener. Every message is accounted for:
 * received = stored + dropped + failed + (waiting in the queue). UDP datagrams the kernel
 * dropped before logagg could read them are in kernelDrops (not in received).
 */
export class ListenerCounters {
  /** Messages read: datagrams, frames, HTTP lines. */
  received = 0;
  /** Bytes read from the network (after TLS). */
  bytes = 0;
  /** Messages committed to SQLite. */
  stored = 0;
  /** Messages dropped because the queue was full (UDP only; TCP pauses, HTTP answers 503). */
  dropped = 0;
  /** Messages accepted that could not be stored (the store kept failing while shutting down). */
  failed = 0;
  /** UDP: datagrams the kernel dropped on this socket (receive buffer full), from /proc/net/udp. */
  kernelDrops = 0;
  /** TCP: frames cut at max_message_bytes. */
  truncated = 0;
  /** TCP: malformed octet-counting headers and connections closed mid-frame. */
  framingErrors = 0;
  /** TCP: failed TLS handshakes and connections refused over max_connections. */
  connectionErrors = 0;
  /** TCP: connections open now, and accepted since start. */
  connections = 0;
  connectionsTotal = 0;

  constructor(
    readonly name: string,
    readonly kind: string,
  ) {}
}
