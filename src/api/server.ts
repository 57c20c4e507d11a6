/**
 * Listening: HTTPS (TLS 1.2+ by default) when api.tls names a certificate and key, else HTTP.
 * close() ends open event streams first, then stops accepting and waits for requests in
 * flight (cut after a grace period).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors.js';
import { createApiApp } from './app.js';
import type { ApiDeps } from './env.js';
import { PROBLEM_CONTENT_TYPE, problemForStatus } from './problem.js';

export interface ApiServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  server: Server;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 5_000;

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError([{ key: `api.tls.${key}`, message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
}

export async function startApiServer(deps: ApiDeps): Promise<ApiServer> {
  const cfg = deps.config;
  const tls = cfg.tls.cert_file !== null && cfg.tls.key_file !== null;
  const { app, hub } = createApiApp(deps, { https: tls });
  let server: Server;
  if (tls) {
    const cert = readPem(cfg.tls.cert_file!, 'cert_file');
    const key = readPem(cfg.tls.key_file!, 'key_file');
    try {
      server = createHttpsServer({ cert, key, minVersion: cfg.tls.min_version }, app.callback()) as unknown as Server;
    } catch (e) {
      throw new ConfigError([{ key: 'api.tls.cert_file', message: `the certificate or key is not usable: ${(e as Error).message}` }]);
    }
  } else {
    server = createHttpServer(app.callback());
  }
  // Slow-loris bounds: headers within 10 s, a whole request within 30 s (responses, e.g.
  // event streams, are not limited by these).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // Node answers a request it cannot parse itself, with an empty text body; say what was wrong
  // as a problem document, like every other error (431: the 16 KiB header limit, often a long URL).
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const p = problemForStatus(tooLarge ? 431 : 400, tooLarge ? 'the request line and headers exceed 16 KiB; send shorter parameters' : 'the request could not be parsed as HTTP/1.1', '', '');
    const body = JSON.stringify(p.body);
    socket.end(`HTTP/1.1 ${p.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  let inFlight = 0;
  server.on('request', (_req, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${addr.port}`;
  deps.logger.info('API listening', { url, tls });

  let closing: Promise<void> | null = null;
  return {
    url,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        hub.closeAll();
        const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        timer.unref();
        // Once no request is in flight (event streams have just been ended), every remaining
        // connection is idle or has not sent a request yet: close them all rather than wait
        // for keep-alive or header timeouts.
        const idle = setInterval(() => {
          if (inFlight === 0) server.closeAllConnections();
          else server.closeIdleConnections();
        }, 25);
        idle.unref();
        server.close(() => {
          clearTimeout(timer);
          clearInterval(idle);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
