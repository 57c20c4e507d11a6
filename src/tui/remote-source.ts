/**
 * `tail --url`: a remote appliance's event stream (GET /api/v1/stream, Server-Sent Events) read
 * with fetch and parsed by sse.ts, plus its REST API for the recent window, event details,
 * acknowledging and /readyz (consumer lag).
 *
 * No event is lost or shown twice across a filter change or a reconnect:
 * - the stream is opened first and the window fetched after it; stream events that arrive
 *   meanwhile wait, and events the window already holds are dropped by id;
 * - a dropped connection is reopened with Last-Event-ID (the id of the last event received),
 *   so the server sends exactly what was missed; waits grow from `retry` to reconnectMaxMs.
 * A new filter's stream is opened before the old one is closed: a filter the server refuses
 * (400) leaves the old one running.
 */
import type { Alert } from '../core/alert.js';
import type { ApiAlert, ApiLog } from '../query/render.js';
import { apiBase, RemoteClient } from '../client/api-client.js';
import { LogaggError } from '../errors.js';
import type { TailEvent } from './event-line.js';
import { RateWindow } from './rate.js';
import { SseParser, type SseItem } from './sse.js';
import { toQueryParams, type TailFilter } from './tail-filter.js';
import type { AckResult, EventDetail, TailSink, TailSource } from './tail-source.js';

export interface RemoteSourceOptions {
  /** The appliance's address, e.g. http://127.0.0.1:8080. */
  url: string;
  token?: string;
  /** Events sent on start and after a filter change. */
  window?: number;
  maxAlerts?: number;
  /** First wait before reconnecting, ms (the server's `retry:` replaces it). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** A stream silent this long is considered dead and reopened, ms (the server sends a heartbeat every 15 s). */
  idleTimeoutMs?: number;
  /** Waiting for the stream's answer headers, ms. */
  connectTimeoutMs?: number;
  /** Period of the /readyz (lag) check, ms. */
  readyEveryMs?: number;
  clock?: () => number;
}

const DEFAULTS = {
  window: 100,
  maxAlerts: 200,
  reconnectMinMs: 1_000,
  reconnectMaxMs: 30_000,
  idleTimeoutMs: 60_000, // four missed heartbeats
  connectTimeoutMs: 15_000,
  readyEveryMs: 5_000,
};

const STATUS_EVERY_MS = 1_000;

export function apiLogToEvent(l: ApiLog): TailEvent {
  return { ...l, ts: Date.parse(l.ts), received_at: Date.parse(l.received_at) };
}

export function apiAlertToAlert(a: ApiAlert): Alert {
  return {
    ...a,
    first_seen: Date.parse(a.first_seen),
    last_seen: Date.parse(a.last_seen),
    state_changed_at: a.state_changed_at === null ? null : Date.parse(a.state_changed_at),
  };
}

/**
 * The roles a JWT claims, read without verifying it (the server verifies); null when the
 * token cannot be read or has no `roles` claim. Only used to explain early why a key will not work.
 */
export function tokenRoles(token: string): string[] | null {
  const part = token.split('.')[1];
  if (part === undefined) return null;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const roles = payload.roles;
    if (typeof roles === 'string') return roles.split(/[\s,]+/).filter(Boolean);
    if (Array.isArray(roles) && roles.every((r) => typeof r === 'string')) return roles as string[];
    return null;
  } catch {
    return null;
  }
}

function problemDetail(body: unknown, status: number): string {
  if (body !== null && typeof body === 'object' && typeof (body as { detail?: unknown }).detail === 'string') return (body as { detail: string }).detail;
  return `HTTP ${status}`;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One open stream and what it has delivered. */
interface Stream {
  filter: TailFilter;
  ac: AbortController;
  res: Response;
  parser: SseParser;
  /** Events held until the window has been sent. */
  held: { logs: TailEvent[]; alerts: Alert[] } | null;
  /** Ids of the window: the stream may send some of them again. */
  windowIds: Set<number>;
  maxWindowId: number;
}

export class RemoteTailSource implements TailSource {
  readonly label: string;
  private readonly o: RemoteSourceOptions & typeof DEFAULTS;
  private readonly client: RemoteClient;
  private readonly base: string;
  private readonly clock: () => number;
  private readonly rate = new RateWindow();
  private received = 0;
  private sink: TailSink | null = null;
  private stream: Stream | null = null;
  private closed = false;
  private readonly life = new AbortController();
  private timers: NodeJS.Timeout[] = [];

  constructor(opts: RemoteSourceOptions) {
    this.o = { ...DEFAULTS, ...opts };
    this.base = apiBase(opts.url);
    this.client = new RemoteClient({ url: opts.url, token: opts.token, maxRetries: 1 });
    this.clock = opts.clock ?? Date.now;
    this.label = this.base.replace(/\/api\/v1$/, '');
  }

  async start(filter: TailFilter, sink: TailSink): Promise<void> {
    this.sink = sink;
    sink.status({ connection: 'connecting', dbBytes: null });
    await this.apply(filter);
    this.rate.sample(this.clock(), this.received);
    this.timers.push(setInterval(() => this.pushStatus(), STATUS_EVERY_MS));
    this.timers.push(setInterval(() => void this.checkReady(), this.o.readyEveryMs));
    void this.checkReady();
  }

  async setFilter(filter: TailFilter): Promise<void> {
    if (!this.sink) throw new LogaggError('INTERNAL', 'setFilter before start');
    await this.apply(filter);
  }

  async recent(filter: TailFilter, n: number): Promise<TailEvent[]> {
    const out: TailEvent[] = [];
    for await (const page of this.client.pages<ApiLog>('/logs', { ...Object.fromEntries(toQueryParams(filter)), sort: 'desc' }, n)) {
      out.push(...page.map(apiLogToEvent));
    }
    return out.reverse();
  }

  async detail(id: number): Promise<EventDetail | null> {
    try {
      const body = await this.client.get<ApiLog & { raw?: string; alerts?: ApiAlert[] }>(`/logs/${id}`);
      const { alerts, ...log } = body;
      return { event: apiLogToEvent(log), alerts: (alerts ?? []).map(apiAlertToAlert) };
    } catch (e) {
      if (e instanceof LogaggError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  }

  canAcknowledge(): { ok: true } | { ok: false; reason: string } {
    if (!this.o.token) return { ok: false, reason: 'acknowledging needs a token with the analyst role (--token)' };
    const roles = tokenRoles(this.o.token);
    if (roles !== null && !roles.includes('analyst') && !roles.includes('admin')) {
      return { ok: false, reason: `the token's roles are ${roles.join(', ') || 'none'}; acknowledging needs analyst (logagg token --role analyst)` };
    }
    return { ok: true };
  }

  async acknowledge(alertId: number): Promise<AckResult> {
    const can = this.canAcknowledge();
    if (!can.ok) return can;
    try {
      const res = await fetch(`${this.base}/alerts/${alertId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ state: 'acknowledged' }),
        signal: AbortSignal.timeout(this.o.connectTimeoutMs),
      });
      const body = (await res.json().catch(() => null)) as unknown;
      if (res.ok) return { ok: true, alert: apiAlertToAlert(body as ApiAlert) };
      return { ok: false, reason: `the appliance refused (${res.status}): ${problemDetail(body, res.status)}` };
    } catch (e) {
      return { ok: false, reason: `could not reach ${this.label}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.life.abort();
    this.stream?.ac.abort();
    this.stream = null;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Opens the stream for `filter`, then sends the window, then what the stream held meanwhile. */
  private async apply(filter: TailFilter): Promise<void> {
    const { res, ac } = await this.open(filter, null);
    const old = this.stream;
    const s: Stream = { filter, ac, res, parser: new SseParser(), held: { logs: [], alerts: [] }, windowIds: new Set(), maxWindowId: 0 };
    this.stream = s;
    old?.ac.abort();
    this.sink!.status({ connection: 'live' });
    void this.follow(s);

    let window: TailEvent[] = [];
    try {
      window = this.o.window > 0 ? await this.recent(filter, this.o.window) : [];
    } catch (e) {
      this.sink!.error(`reading the recent events: ${e instanceof Error ? e.message : String(e)}`);
    }
    let alerts: Alert[] | null = null;
    try {
      const params: Record<string, string> = { limit: String(Math.min(this.o.maxAlerts, 1000)) };
      if (filter.hosts) params.host = filter.hosts.join(',');
      alerts = (await this.client.get<{ items: ApiAlert[] }>('/alerts', params)).items.map(apiAlertToAlert);
      this.sink!.status({ alerts: { available: true } });
    } catch (e) {
      this.sink!.status({ alerts: { available: false, reason: e instanceof Error ? e.message : String(e) } });
    }
    if (this.stream !== s) return; // replaced meanwhile
    s.windowIds = new Set(window.map((e) => e.id));
    s.maxWindowId = window.reduce((m, e) => Math.max(m, e.id), 0);
    this.sink!.reset(window);
    if (alerts !== null) this.sink!.alertsReset(alerts);
    const held = s.held!;
    s.held = null;
    this.deliver(s, held.logs, held.alerts);
  }

  /** One GET /stream; throws a LogaggError the caller may show (a 4xx is not worth retrying: `fatal`). */
  private async open(filter: TailFilter, lastEventId: string | null): Promise<{ res: Response; ac: AbortController }> {
    const ac = new AbortController();
    const onClose = () => ac.abort();
    this.life.signal.addEventListener('abort', onClose, { once: true });
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const qs = toQueryParams(filter).toString();
    const timer = setTimeout(() => ac.abort(), this.o.connectTimeoutMs);
    let res: Response;
    try {
      res = await fetch(`${this.base}/stream${qs === '' ? '' : `?${qs}`}`, { headers, signal: ac.signal });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = err.name === 'AbortError' ? 'no answer in time' : (err.cause?.code ?? err.cause?.message ?? err.message);
      throw new LogaggError('STORE_UNAVAILABLE', `cannot reach ${this.label} (${why}); is \`logagg serve\` running there?`, { canRetry: true, cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (res.ok && (res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return { res, ac };
    const body = (await res.json().catch(() => null)) as unknown;
    ac.abort();
    const detail = problemDetail(body, res.status);
    if (res.status === 400) throw new LogaggError('BAD_REQUEST', detail, { details: { param: (body as { param?: string } | null)?.param ?? 'filter' } });
    if (res.status === 401) throw new LogaggError('UNAUTHORIZED', `the appliance refused the token: ${detail}; pass one with --token (logagg token --role viewer)`);
    if (res.status === 403) throw new LogaggError('FORBIDDEN', `the token may not read the stream: ${detail}`);
    if (res.status === 404) throw new LogaggError('NOT_FOUND', `${this.base}/stream: not found; is --url the address of a logagg appliance?`);
    throw new LogaggError('STORE_UNAVAILABLE', `the appliance answered ${res.status}: ${detail}`, { canRetry: true });
  }

  /** Reads a stream until it is replaced or closed, reconnecting with Last-Event-ID. */
  private async follow(s: Stream): Promise<void> {
    /** Failed reconnects in a row: each one doubles the wait. */
    let failures = 0;
    let res: Response | null = s.res;
    for (;;) {
      let why = 'the stream ended';
      if (res !== null) {
        try {
          await this.read(s, res);
        } catch (e) {
          why = e instanceof Error ? e.message : String(e);
        }
      }
      if (this.stream !== s || this.closed) return;
      const wait = Math.min(this.o.reconnectMaxMs, this.o.reconnectMinMs * 2 ** Math.min(failures, 16));
      this.sink!.status({ connection: `reconnecting in ${Math.max(1, Math.round(wait / 1000))}s: ${why}` });
      await abortableSleep(wait, this.life.signal);
      if (this.stream !== s || this.closed) return;
      // Resume after the last event received, or after the window when none came yet.
      const resume = s.parser.lastEventId !== '' ? s.parser.lastEventId : s.maxWindowId > 0 ? `${s.maxWindowId}~` : null;
      try {
        const opened = await this.open(s.filter, resume);
        if (this.stream !== s || this.closed) {
          opened.ac.abort();
          return;
        }
        failures = 0;
        s.ac = opened.ac;
        res = opened.res;
        this.sink!.status({ connection: 'live' });
      } catch (e) {
        failures++;
        res = null;
        const err = e instanceof LogaggError ? e : null;
        if (err && (err.code === 'UNAUTHORIZED' || err.code === 'FORBIDDEN' || err.code === 'BAD_REQUEST' || err.code === 'NOT_FOUND')) {
          this.sink!.status({ connection: 'stopped' });
          this.sink!.error(err.message);
          return;
        }
        this.sink!.error(e instanceof Error ? e.message : String(e));
      }
    }
  }

  private async read(s: Stream, res: Response): Promise<void> {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let idle: NodeJS.Timeout | null = null;
    const arm = () => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => s.ac.abort(), this.o.idleTimeoutMs);
    };
    arm();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        arm();
        this.handle(s, s.parser.push(decoder.decode(value, { stream: true })));
        // A slow consumer (plain output to a pipe): stop reading; TCP holds the rest back.
        while (this.sink!.ready && !this.sink!.ready() && this.stream === s && !this.closed) {
          await new Promise((r) => setTimeout(r, 50));
          arm();
        }
        if (this.stream !== s || this.closed) return;
      }
    } catch (e) {
      if (s.ac.signal.aborted && (this.stream !== s || this.closed)) return;
      if (s.ac.signal.aborted) throw new Error('the stream went silent', { cause: e });
      throw e;
    } finally {
      if (idle) clearTimeout(idle);
      reader.releaseLock();
      s.ac.abort();
    }
  }

  private handle(s: Stream, items: SseItem[]): void {
    const logs: TailEvent[] = [];
    const alerts: Alert[] = [];
    for (const it of items) {
      if (it.kind === 'retry') {
        this.o.reconnectMinMs = Math.max(100, Math.min(it.ms, this.o.reconnectMaxMs));
        continue;
      }
      if (it.kind !== 'event') continue;
      try {
        if (it.type === 'log') logs.push(apiLogToEvent(JSON.parse(it.data) as ApiLog));
        else if (it.type === 'alert') alerts.push(apiAlertToAlert(JSON.parse(it.data) as ApiAlert));
        else if (it.type === 'error') this.sink!.error(`the stream reported: ${problemDetail(JSON.parse(it.data), 500)}`);
      } catch {
        this.sink!.error(`an unreadable ${it.type} event from the stream was skipped`);
      }
    }
    if (s.held !== null) {
      s.held.logs.push(...logs);
      s.held.alerts.push(...alerts);
    } else {
      this.deliver(s, logs, alerts);
    }
  }

  private deliver(s: Stream, logs: TailEvent[], alerts: Alert[]): void {
    if (this.stream !== s || this.closed) return;
    const fresh = s.windowIds.size > 0 ? logs.filter((e) => !s.windowIds.has(e.id)) : logs;
    this.received += fresh.length;
    if (fresh.length > 0) this.sink!.logs(fresh);
    if (alerts.length > 0) this.sink!.alerts(alerts);
  }

  private pushStatus(): void {
    if (this.closed || !this.sink) return;
    this.rate.sample(this.clock(), this.received);
    this.sink.status({ rate: this.rate.rate() });
  }

  private async checkReady(): Promise<void> {
    try {
      const res = await fetch(`${this.label}/readyz`, {
        headers: { accept: 'application/json', ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}) },
        signal: AbortSignal.any([this.life.signal, AbortSignal.timeout(this.o.connectTimeoutMs)]),
      });
      const body = (await res.json().catch(() => null)) as { lag?: unknown } | null;
      if (this.closed) return;
      this.sink?.status({ lag: typeof body?.lag === 'number' ? body.lag : null });
    } catch {
      if (!this.closed) this.sink?.status({ lag: null });
    }
  }
}
