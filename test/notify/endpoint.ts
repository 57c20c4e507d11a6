// A real HTTP server on 127.0.0.1 standing in for a channel's endpoint (webhook receiver, Slack,
// PagerDuty): it records every request it receives and answers as the test tells it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deferCleanup } from '../helpers/temp.js';

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Decides the answer to the n-th request (0-based). May wait, or never resolve. */
export type Responder = (req: Received, n: number, res: ServerResponse) => Reply | Promise<Reply>;

export interface Endpoint {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  base: string;
  /** A URL with a secret-looking path, as Slack's are. */
  url: string;
  received: Received[];
  respond(fn: Responder): void;
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxSECRETxyz0123456789';

export async function startEndpoint(): Promise<Endpoint> {
  const received: Received[] = [];
  let responder: Responder = () => ({ status: 200, body: 'ok' });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers, body, json, at: Date.now() };
      const n = received.length;
      received.push(r);
      Promise.resolve(responder(r, n, res)).then(
        (reply) => {
          if (res.writableEnded || res.destroyed) return;
          res.writeHead(reply.status, { 'Content-Type': 'text/plain', ...(reply.headers ?? {}) });
          res.end(reply.body ?? '');
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  deferCleanup(close);
  return {
    base,
    url: base + SECRET_PATH,
    received,
    respond(fn) {
      responder = fn;
    },
    async waitFor(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${n} requests; got ${received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    close,
  };
}
