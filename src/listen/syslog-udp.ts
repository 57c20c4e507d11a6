/**
 * Syslog over UDP (RFC 5426): one message a datagram, RFC 5424 or RFC 3164 (the decoder tells).
 *
 * UDP has no flow control, so loss under overload is counted, never silent:
 *  - received: datagrams read from the socket;
 *  - dropped: datagrams read but refused because the queue to the store was full;
 *  - kernelDrops: datagrams the kernel dropped because the socket's receive buffer was full
 *    (read from /proc/net/udp every few seconds; Linux only);
 * and a warning is logged whenever either grows.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { FrozenConfig } from '../config/load.js';
import type { IngestStats, ListenerCounters } from '../ingest/ingest-stats.js';
import type { Logger } from '../logger.js';
import type { DirectIngest } from './direct-ingest.js';
import { formatPeer } from './peer.js';
import { readUdpSocketCounters } from './udp-drops.js';

/** How often the kernel's drop counter is read, ms. */
const KERNEL_POLL_MS = 2_000;

export interface SyslogUdpOptions {
  config: FrozenConfig['listeners']['udp'];
  ingest: DirectIngest;
  stats: IngestStats;
  logger: Logger;
  /** Where the kernel counters are read (tests may point elsewhere). */
  procFiles?: string[];
}

export class SyslogUdpListener {
  readonly counters: ListenerCounters;
  private socket: Socket | null = null;
  private poll: NodeJS.Timeout | null = null;
  private bound: { address: string; port: number } | null = null;
  /** The socket's drop count when logagg bound it (a socket starts at 0; kept for safety). */
  private kernelBase = 0;
  private reported = { dropped: 0, kernelDrops: 0 };

  constructor(private readonly opts: SyslogUdpOptions) {
    this.counters = opts.stats.listener(opts.config.name, 'syslog-udp');
  }

  /** The bound address (port 0 in the config = any free port). */
  get address(): { address: string; port: number } | null {
    return this.bound;
  }

  async start(): Promise<void> {
    const { config, logger } = this.opts;
    const socket = createSocket({ type: config.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: config.receive_buffer });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(config.port, config.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (err) => logger.warn('syslog UDP socket error', { listener: config.name, err }));
    const addr = socket.address();
    this.bound = { address: addr.address, port: addr.port };
    const topic = config.name;
    const counters = this.counters;
    socket.on('message', (msg, rinfo) => {
      counters.received++;
      counters.bytes += msg.length;
      const ok = this.opts.ingest.offer(
        [{ value: msg, source: { kind: 'syslog-udp', topic, partition: -1, offset: null, peer: formatPeer(rinfo.address, rinfo.port) } }],
        counters,
      );
      if (!ok) counters.dropped++;
    });
    this.kernelBase = readUdpSocketCounters(addr.address, addr.port, this.opts.procFiles)?.drops ?? 0;
    this.poll = setInterval(() => this.refresh(), KERNEL_POLL_MS);
    this.poll.unref();
    logger.info('syslog UDP listening', {
      listener: config.name,
      address: `${formatPeer(addr.address, addr.port)}`,
      // The kernel may grant less than asked (net.core.rmem_max); Linux reports double the usable size.
      receive_buffer: socket.getRecvBufferSize(),
    });
  }

  /** Reads the kernel's drop counter and warns about any new loss. */
  refresh(): void {
    if (this.bound) {
      const k = readUdpSocketCounters(this.bound.address, this.bound.port, this.opts.procFiles);
      if (k) this.counters.kernelDrops = Math.max(0, k.drops - this.kernelBase);
    }
    const c = this.counters;
    const newDropped = c.dropped - this.reported.dropped;
    const newKernel = c.kernelDrops - this.reported.kernelDrops;
    if (newDropped > 0 || newKernel > 0) {
      this.opts.logger.warn('syslog UDP datagrams lost', {
        listener: this.opts.config.name,
        queue_full: newDropped,
        kernel_buffer_full: newKernel,
        dropped_total: c.dropped,
        kernel_drops_total: c.kernelDrops,
        hint: newKernel > 0 ? 'raise listeners.udp.receive_buffer (and net.core.rmem_max)' : 'the store is slower than the senders: see logagg_ingest_batch_duration_seconds',
      });
      this.reported = { dropped: c.dropped, kernelDrops: c.kernelDrops };
    }
  }

  /** Stops reading; what was read stays queued for the store. */
  async stop(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.refresh();
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
