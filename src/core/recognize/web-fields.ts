import type { Draft } from '../decode/draft.js';
import { setOwn } from '../decode/draft.js';
import { hostOfUrl } from '../decode/host.js';

/**
 * The fields of one HTTP request as web and proxy logs record it, in ECS names under
 * `draft.attributes` (http.*, url.*, user_agent.*, event.*), shared by the access-log, w3c and
 * squid recognizers. `-` (the log formats' "empty") is never stored.
 */
export interface WebRequest {
  method: string | null;
  /** The request target as logged (`/a/b?x=1`, or a full URL for proxies). */
  target: string | null;
  version: string | null;
  status: number | null;
  bytes: number | null;
  referrer: string | null;
  userAgent: string | null;
  /** Response time in nanoseconds (ECS event.duration). */
  durationNs: number | null;
  action: 'http-request' | 'proxy-request';
}

export function applyWebRequest(r: WebRequest, draft: Draft): void {
  const a = draft.attributes;
  const http: Record<string, unknown> = {};
  const request: Record<string, unknown> = {};
  if (r.method !== null) request.method = r.method;
  if (r.referrer !== null) request.referrer = r.referrer;
  if (Object.keys(request).length > 0) http.request = request;
  if (r.version !== null) http.version = r.version;
  if (r.status !== null || r.bytes !== null) {
    const response: Record<string, unknown> = {};
    if (r.status !== null) response.status_code = r.status;
    if (r.bytes !== null) response.body = { bytes: r.bytes };
    http.response = response;
  }
  if (Object.keys(http).length > 0) setOwn(a, 'http', http);
  if (r.target !== null) {
    const url: Record<string, unknown> = { original: r.target };
    const q = r.target.indexOf('?');
    const full = r.target.indexOf('://');
    let pathStart = 0;
    if (full >= 0) {
      const slash = r.target.indexOf('/', full + 3);
      pathStart = slash < 0 ? r.target.length : slash;
      const domain = hostOfUrl(r.target);
      if (domain !== null) url.domain = domain;
    }
    const pathEnd = q >= 0 ? q : r.target.length;
    if (pathStart < pathEnd) url.path = r.target.slice(pathStart, pathEnd);
    if (q >= 0 && q + 1 < r.target.length) url.query = r.target.slice(q + 1);
    setOwn(a, 'url', url);
  }
  if (r.userAgent !== null) setOwn(a, 'user_agent', { original: r.userAgent });
  const event: Record<string, unknown> = { action: r.action };
  if (r.status !== null) event.outcome = r.status >= 400 || r.status < 100 ? 'failure' : 'success';
  if (r.durationNs !== null) event.duration = r.durationNs;
  setOwn(a, 'event', event);
  if (r.status !== null) draft.level = levelOfStatus(r.status);
}

/** 5xx → 3 (error), 4xx → 4 (warning), anything else → 6 (info). */
export function levelOfStatus(status: number): number {
  if (status >= 500 && status <= 599) return 3;
  if (status >= 400 && status <= 499) return 4;
  return 6;
}

/** `-` and the empty string are the formats' "no value". */
export function dashless(v: string): string | null {
  return v === '-' || v.length === 0 ? null : v;
}

/** A non-negative integer written in decimal (at most 15 digits); null otherwise. */
export function decimal(v: string): number | null {
  if (v.length === 0 || v.length > 15) return null;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
  }
  return n;
}
