/**
 * Calls between the threads of one process, over a MessagePort of their own: the API's worker
 * thread calls the main thread of `serve`; the writer thread (src/ingest/writer/) sends its
 * errors back the same way (toWireError / fromWireError). A request carries an id, the method
 * and its arguments (structured clone); the reply carries the value or the error. A LogaggError
 * crosses as its code, message, details and canRetry, so the API answers with the same problem
 * (status, type, param) as when the call ran in its own thread; any other error keeps its name,
 * message, stack and errno code, and is an internal error (500) on the API side, as before.
 */
import { ERROR_CODES, LogaggError, type ErrorCode } from '../errors.js';

/** What both ends of a MessageChannel, a Worker and parentPort offer. */
export interface RpcPort {
  postMessage(value: unknown): void;
  on(event: 'message', fn: (value: unknown) => void): unknown;
  off(event: 'message', fn: (value: unknown) => void): unknown;
}

/** An error as plain data. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** An ErrorCode when `logagg` is true, else the errno-style code of the error, if any. */
  code?: string;
  logagg: boolean;
  details?: Record<string, unknown>;
  canRetry?: boolean;
}

interface CallMessage {
  rpc: 'call';
  id: number;
  method: string;
  args: unknown[];
}

type ReplyMessage = { rpc: 'reply'; id: number; ok: true; value: unknown } | { rpc: 'reply'; id: number; ok: false; error: WireError };

type Methods = Record<string, (...args: any[]) => unknown>;

export function toWireError(e: unknown): WireError {
  if (e instanceof LogaggError) {
    return { name: e.name, message: e.message, stack: e.stack, code: e.code, logagg: true, details: e.details, canRetry: e.canRetry };
  }
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return { name: e.name, message: e.message, stack: e.stack, logagg: false, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e), logagg: false };
}

/** The error again, on this side: a LogaggError with the same code, details and canRetry, or an Error. */
export function fromWireError(w: WireError): Error {
  let e: Error;
  if (w.logagg && w.code !== undefined && w.code in ERROR_CODES) {
    e = new LogaggError(w.code as ErrorCode, w.message, { details: w.details ?? {}, canRetry: w.canRetry ?? false });
  } else {
    e = new Error(w.message);
    if (w.code !== undefined) (e as NodeJS.ErrnoException).code = w.code;
  }
  e.name = w.name;
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}

function isCall(m: unknown): m is CallMessage {
  return typeof m === 'object' && m !== null && (m as { rpc?: unknown }).rpc === 'call';
}

function isReply(m: unknown): m is ReplyMessage {
  return typeof m === 'object' && m !== null && (m as { rpc?: unknown }).rpc === 'reply';
}

/**
 * Answers calls arriving on `port` with `methods` (sync or async). An unknown method is an
 * INTERNAL error. Returns a function that stops answering.
 */
export function serveRpc<T extends Methods>(port: RpcPort, methods: T): () => void {
  const onMessage = (m: unknown): void => {
    if (!isCall(m)) return;
    const reply = (r: { ok: true; value: unknown } | { ok: false; error: WireError }): void => port.postMessage({ rpc: 'reply', id: m.id, ...r });
    const fn = Object.hasOwn(methods, m.method) ? methods[m.method] : undefined;
    if (fn === undefined) {
      reply({ ok: false, error: toWireError(new LogaggError('INTERNAL', `no such call: ${m.method}`)) });
      return;
    }
    Promise.resolve()
      .then(() => fn(...m.args))
      .then(
        (value) => reply({ ok: true, value }),
        (e: unknown) => reply({ ok: false, error: toWireError(e) }),
      );
  };
  port.on('message', onMessage);
  return () => port.off('message', onMessage);
}

/** Calls the methods another thread serves with serveRpc. */
export class RpcClient<T extends Methods> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private closedWith: Error | null = null;
  private readonly onMessage = (m: unknown): void => {
    if (!isReply(m)) return;
    const p = this.pending.get(m.id);
    if (p === undefined) return; // answered after its timeout
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.value);
    else p.reject(fromWireError(m.error));
  };

  /**
   * @param timeoutMs how long a call may wait for its reply, ms, unless the call says otherwise;
   *   past it the call fails with STORE_UNAVAILABLE (503, retry later)
   */
  constructor(
    private readonly port: RpcPort,
    private readonly timeoutMs: number,
  ) {
    port.on('message', this.onMessage);
  }

  call<K extends keyof T & string>(method: K, args: Parameters<T[K]>, timeoutMs = this.timeoutMs): Promise<Awaited<ReturnType<T[K]>>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LogaggError('STORE_UNAVAILABLE', `ingest did not answer within ${timeoutMs} ms (${method}); try again`, { canRetry: true }));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.port.postMessage({ rpc: 'call', id, method, args } satisfies CallMessage);
    });
  }

  /** Fails the calls waiting and every later one with STORE_UNAVAILABLE; stops listening. */
  close(reason: string): void {
    if (this.closedWith) return;
    this.closedWith = new LogaggError('STORE_UNAVAILABLE', reason, { canRetry: true });
    this.port.off('message', this.onMessage);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.closedWith);
    }
    this.pending.clear();
  }
}
