/**
 * Syslog over TCP (RFC 6587) and over TLS (RFC 5425): per connection, a SyslogFramer cuts the
 * stream into messages (octet counting or LF framing, auto-detected), which are queued for the
 * store as one unit per read.
 *
 * TCP has flow control, so overload never drops a message here: when the queue to the store
 * is over queue_max, the connection stops being read until it drains to half, and the sender's
 * TCP window closes. Messages read but not yet committed are in memory: a kill -9 loses them,
 * as syslog over TCP has no acknowledgements to tell the sender (docs/listeners.md).
 */
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { FrozenConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import type { IngestStats, ListenerCounters } from '../ingest/ingest-stats.js';
import type { IncomingMessage } from '../ingest/pipeline.js';
import type { Logger } from '../logger.js';
import type { DirectIngest } from './direct-ingest.js';
import { formatPeer } from './peer.js';
import { SyslogFramer } from './syslog-framing.js';

type StreamConfig = FrozenConfig['listeners']['tcp'];
type TlsConfig = FrozenConfig['listeners']['tls'];

export interface SyslogTcpOptions {
  /** listeners.tcp, or listeners.tls for TLS. */
  config: StreamConfig | TlsConfig;
  ingest: DirectIngest;
  stats: IngestStats;
  logger: Logger;
}

/** TCP keep-alive probes after this much silence, ms: finds senders that vanished. */
const KEEPALIVE_MS = 60_000;

function isTls(c: StreamConfig | TlsConfig): c is TlsConfig {
  return 'cert_file' in c;
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError([{ key: `listeners.tls.${key}`, message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
}

export class SyslogTcpListener {
  readonly counters: ListenerCounters;
  private server: Server | null = null;
  private readonly open = new Set<Socket>();
  private readonly closed = new Set<Promise<void>>();
  private bound: { address: string; port: number } | null = null;

  constructor(private readonly opts: SyslogTcpOptions) {
    this.counters = opts.stats.listener(opts.config.name, 'syslog-tcp');
  }

  get address(): { address: string; port: number } | null {
    return this.bound;
  }

  get tls(): boolean {
    return isTls(this.opts.config);
  }

  async start(): Promise<void> {
    const { config, logger } = this.opts;
    let server: Server;
    if (isTls(config)) {
      const cert = readPem(config.cert_file!, 'cert_file');
      const key = readPem(config.key_file!, 'key_file');
      const ca = config.ca_file === null ? undefined : readPem(config.ca_file, 'ca_file');
      try {
        server = createTlsServer(
          { cert, key, minVersion: config.min_version, ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}) },
          (s: TLSSocket) => this.accept(s),
        );
      } catch (e) {
        throw new ConfigError([{ key: 'listeners.tls.cert_file', message: `the certificate or key is not usable: ${(e as Error).message}` }]);
      }
      server.on('tlsClientError', (err: Error, s: TLSSocket) => {
        this.counters.connectionErrors++;
        logger.debug('syslog TLS handshake failed', { listener: config.name, peer: formatPeer(s.remoteAddress, s.remotePort), err: err.message });
      });
    } else {
      server = createTcpServer((s) => this.accept(s));
    }
    server.maxConnections = config.max_connections;
    server.on('drop', (d) => {
      this.counters.connectionErrors++;
      logger.warn('syslog connection refused: listeners max_connections reached', { listener: config.name, peer: formatPeer(d?.remoteAddress, d?.remotePort), max: config.max_connections });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => logger.warn('syslog listener error', { listener: config.name, err }));
    const addr = server.address() as { address: string; port: number };
    this.bound = { address: addr.address, port: addr.port };
    logger.info(isTls(config) ? 'syslog TLS listening' : 'syslog TCP listening', { listener: config.name, address: formatPeer(addr.address, addr.port), framing: config.framing });
  }

  private accept(socket: Socket): void {
    const { config, ingest, logger } = this.opts;
    const c = this.counters;
    c.connections++;
    c.connectionsTotal++;
    this.open.add(socket);
    const peer = formatPeer(socket.remoteAddress, socket.remotePort);
    const framer = new SyslogFramer({ framing: config.framing, maxBytes: config.max_message_bytes });
    let seen = { truncated: 0, errors: 0 };
    let paused = false;
    socket.setKeepAlive(true, KEEPALIVE_MS);
    if (config.idle_timeout > 0) socket.setTimeout(config.idle_timeout, () => socket.destroy());

    const deliver = (frames: Buffer[]): void => {
      c.truncated += framer.truncated - seen.truncated;
      c.framingErrors += framer.errors - seen.errors;
      seen = { truncated: framer.truncated, errors: framer.errors };
      if (frames.length === 0) return;
      c.received += frames.length;
      const messages: IncomingMessage[] = frames.map((value) => ({ value, source: { kind: 'syslog-tcp', topic: config.name, partition: -1, offset: null, peer } }));
      ingest.offer(messages, c, true);
      if (!paused && !ingest.hasRoom(0) && !socket.destroyed) {
        // Backpressure: stop reading this sender until the store catches up.
        paused = true;
        socket.pause();
        void ingest.whenRoom().then(() => {
          paused = false;
          if (!socket.destroyed) socket.resume();
        });
      }
    };

    socket.on('data', (chunk: Buffer) => {
      c.bytes += chunk.length;
      deliver(framer.push(chunk));
    });
    socket.on('error', (err) => logger.debug('syslog connection error', { listener: config.name, peer, err: err.message }));
    const closed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        // A last line without LF is still a message; a frame cut off mid-way is counted.
        deliver(framer.end());
        c.connections--;
        this.open.delete(socket);
        resolve();
      });
    });
    this.closed.add(closed);
    void closed.then(() => this.closed.delete(closed));
  }

  /** Stops accepting, closes the connections; what they sent is queued for the store. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.open) s.destroy();
    await Promise.all([done, ...this.closed]);
  }
}
