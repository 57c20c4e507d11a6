import { scanIso } from '../time.js';
import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim, setOwn } from '../decode/draft.js';
import { mergeLine } from './envelope.js';
import type { LineRecognizer } from './line-recognizer.js';

/**
 * Kubernetes CRI container log lines, as kubelet's runtimes (containerd, CRI-O) write them under
 * /var/log/containers: `<RFC 3339 nano time> <stdout|stderr> <tags> <text>`, e.g.
 * `2026-11-20T10:16:03.123456789Z stdout F Started` (containerd writes `Z`, CRI-O an offset).
 * The tags are `:`-separated; the first is `F` (full line) or `P` (partial: the runtime split a
 * long line and the next record continues it).
 *
 * → ts (the runtime's, which wins over a time the text repeats), `attributes.stream`,
 * `attributes.cri.partial: true` for `P` lines; the text goes through the line recognizers
 * like an envelope's line (envelope.ts), so an application line keeps its level and a JSON text
 * its fields. Partial lines are flagged, not joined: each Kafka message is decoded on its own.
 * Format stays `text`.
 */
export const cri: LineRecognizer = {
  name: 'cri',
  recognize(text: string, draft: Draft, ctx: DecodeContext): boolean {
    const c = text.charCodeAt(0);
    if (c < 48 || c > 57 || text.charCodeAt(4) !== 45 /* - */ || text.charCodeAt(10) !== 84 /* T */) return false;
    const ts = scanIso(text, 0, false);
    if (ts === null || text.charCodeAt(ts.end) !== 32) return false;
    let p = ts.end + 1;
    const stream = text.startsWith('stdout ', p) ? 'stdout' : text.startsWith('stderr ', p) ? 'stderr' : null;
    if (stream === null) return false;
    p += 7;
    let tagEnd = p;
    while (tagEnd < text.length && text.charCodeAt(tagEnd) !== 32) tagEnd++;
    const flag = text.charCodeAt(p);
    const flagEnd = text.charCodeAt(p + 1);
    if ((flag !== 70 /* F */ && flag !== 80) /* P */ || (p + 1 !== tagEnd && flagEnd !== 58) /* : */) return false;

    draft.format = 'text';
    draft.ts = ts.ms;
    draft.tsOriginal = text.slice(0, ts.end);
    setOwn(draft.attributes, 'stream', stream);
    if (flag === 80 || tagEnd - p > 1) {
      const info: Record<string, unknown> = {};
      if (flag === 80) info.partial = true;
      if (tagEnd - p > 1) info.tags = text.slice(p, tagEnd); // tags beyond F/P, as written
      setOwn(draft.attributes, 'cri', info);
    }
    claim(draft, 'cri');
    mergeLine(draft, tagEnd < text.length ? text.slice(tagEnd + 1) : '', ctx, true);
    return true;
  },
};
