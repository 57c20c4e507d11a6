import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim } from '../decode/draft.js';
import { isIp } from '../decode/ip.js';
import type { LineRecognizer } from './line-recognizer.js';
import { applyWebRequest, dashless, decimal, type WebRequest } from './web-fields.js';

/**
 * Squid's native access.log (`logformat squid`):
 *
 *   `time.ms elapsed client code/status bytes method URL user hierarchy/peer type`
 *   `1286536308.779    180 192.168.0.224 TCP_MISS/200 411 GET http://example.com/ - HIER_DIRECT/93.184.216.34 text/html`
 *
 * → ts, src_ip, user, http.* / url.* (url.domain), event.duration (elapsed ms), event.action
 * `proxy-request`, squid.result_code, dst_ip (the peer, when an address), level from the status.
 */
export const squid: LineRecognizer = {
  name: 'squid',
  recognize(text: string, draft: Draft, _ctx: DecodeContext): boolean {
    // `1286536308.779 ` — ten digits, a dot, three digits.
    if (text.charCodeAt(10) !== 46 || text.charCodeAt(14) !== 32) return false;
    for (let i = 0; i < 14; i++) {
      const c = text.charCodeAt(i);
      if (i !== 10 && (c < 48 || c > 57)) return false;
    }
    const f = text.slice(15, 15 + 8192).trim().split(/ +/);
    if (f.length < 7) return false;
    const [elapsedT, client, codeStatus, bytesT, method, url, user, hier, type] = f as string[];
    const slash = codeStatus!.indexOf('/');
    if (slash <= 0) return false;
    const status = decimal(codeStatus!.slice(slash + 1));
    const elapsed = decimal(elapsedT!);
    const bytes = decimal(bytesT!);
    if (status === null || elapsed === null || bytes === null || !/^[A-Z_]+$/.test(codeStatus!.slice(0, slash))) return false;

    const r: WebRequest = {
      method: /^[A-Z][A-Z_-]{0,19}$/.test(method!) ? method! : null,
      target: dashless(url!),
      version: null,
      status,
      bytes,
      referrer: null,
      userAgent: null,
      durationNs: elapsed * 1_000_000,
      action: 'proxy-request',
    };
    draft.format = 'text';
    draft.ts = Math.round(Number(text.slice(0, 14)) * 1000);
    draft.tsOriginal = text.slice(0, 14);
    draft.message = text;
    if (isIp(client!)) draft.src_ip = client!;
    const u = user === undefined ? null : dashless(user);
    if (u !== null) draft.user = u;
    applyWebRequest(r, draft);
    const squidAttrs: Record<string, unknown> = { result_code: codeStatus!.slice(0, slash) };
    if (hier !== undefined) {
      const hs = hier.indexOf('/');
      squidAttrs.hierarchy = hs > 0 ? hier.slice(0, hs) : hier;
      const peer = hs > 0 ? hier.slice(hs + 1) : '';
      if (isIp(peer)) draft.dst_ip = peer;
    }
    const response = (draft.attributes.http as { response: Record<string, unknown> }).response;
    if (type !== undefined && type !== '-') response.mime_type = type;
    draft.attributes.squid = squidAttrs;
    claim(draft, 'squid');
    return true;
  },
};
