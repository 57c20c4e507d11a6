/**
 * Every call to the API goes through here. Two ways to be signed in: the session cookie set by
 * POST /api/v1/auth/login (HttpOnly: this code never sees it; state-changing calls add
 * X-Requested-With, which a cross-site form cannot), or a pasted token kept in this module's
 * memory only and sent as Bearer — never written to localStorage, gone on reload.
 */
import { signal } from '@preact/signals';

export interface Session {
  via: 'cookie' | 'token';
  sub: string;
  roles: string[];
  hosts: string[] | null;
  expires_at: string | null;
}

export const session = signal<Session | null>(null);
let bearer: string | null = null;

/** An RFC 9457 problem answered by the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title);
  }
}

function headers(method: string, json: boolean): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json' };
  if (bearer) h.Authorization = `Bearer ${bearer}`;
  else if (method !== 'GET' && method !== 'HEAD') h['X-Requested-With'] = 'logagg';
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

export async function api<T>(path: string, opts: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: headers(method, opts.body !== undefined),
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      credentials: 'same-origin',
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'Network error', `the server did not answer: ${(e as Error).message}`);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  if (!res.ok) {
    const p = type.includes('json') ? ((await res.json().catch(() => ({}))) as { title?: string; detail?: string }) : {};
    if (res.status === 401 && session.value && path !== '/api/v1/auth/login') session.value = null;
    throw new ApiError(res.status, p.title ?? res.statusText, p.detail ?? `HTTP ${res.status}`);
  }
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** Query string from a record; empty and undefined values left out, arrays repeated. */
export function qs(params: Record<string, string | number | boolean | undefined | null | string[]>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => u.append(k, x));
    else u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** The claims of a JWT, for display only (the API verifies it; this does not). */
function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

interface Me {
  sub: string;
  role?: string;
  roles?: string[];
  hosts?: string[] | null;
  expires_at?: string | null;
}

function toSession(me: Me, via: Session['via']): Session {
  return { via, sub: me.sub, roles: me.roles ?? (me.role ? [me.role] : []), hosts: me.hosts ?? null, expires_at: me.expires_at ?? null };
}

/** Signs in with a pasted token: checked against the API before it is kept. */
export async function useToken(token: string): Promise<void> {
  const t = token.trim().replace(/^Bearer\s+/i, '');
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(t)) throw new ApiError(400, 'Not a token', 'paste a JWT: three base64url parts separated by dots');
  const before = bearer;
  bearer = t;
  try {
    await api('/api/v1/logs?limit=1');
  } catch (e) {
    bearer = before;
    throw e;
  }
  const c = claimsOf(t);
  const roles = Array.isArray(c.roles) ? c.roles.map(String) : typeof c.roles === 'string' ? [c.roles] : [];
  const hosts = Array.isArray(c.hosts) ? c.hosts.map(String) : null;
  session.value = { via: 'token', sub: typeof c.sub === 'string' ? c.sub : '(token)', roles, hosts, expires_at: typeof c.exp === 'number' ? new Date(c.exp * 1000).toISOString() : null };
}

export async function login(username: string, password: string): Promise<void> {
  bearer = null;
  await api('/api/v1/auth/login', { method: 'POST', body: { username, password } });
  session.value = toSession(await api<Me>('/api/v1/auth/me'), 'cookie');
}

/** At start: a session cookie from an earlier sign-in, if the server has one for us. */
export async function resume(): Promise<void> {
  try {
    session.value = toSession(await api<Me>('/api/v1/auth/me'), 'cookie');
  } catch {
    session.value = null;
  }
}

export async function logout(): Promise<void> {
  const wasCookie = session.value?.via === 'cookie';
  bearer = null;
  session.value = null;
  if (wasCookie) await api('/api/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
}

/** For EventSource, which cannot send headers: the stream accepts ?access_token= (only there). */
export function streamToken(): string | null {
  return bearer;
}
