import type { Format } from '../event.js';
import { decodeCefPayload, isCefStart } from './cef.js';
import type { DecodeContext, Draft } from './draft.js';
import { claim, newDraft, withLineDecoder } from './draft.js';
import { decodeJson, looksLikeJsonObject } from './json.js';
import { decodeLogfmt, parseLogfmt } from './logfmt.js';
import { decodeSyslog3164, readHeader } from './syslog-3164.js';
import { scanSyslogHeader } from './syslog-header.js';
import { decodeSyslog5424 } from './syslog-5424.js';
import { scanPri } from './syslog-pri.js';
import { decodeText } from './text.js';
import { recognizeLine } from '../recognize/line.js';
import { keyValuePeers } from '../recognize/message-peers.js';
import { decodeProgram } from '../recognize/programs/index.js';
import { applyLineExtractors, applyProgramExtractors } from '../recognize/extractors.js';

/** How far into a line `CEF:` may start after a syslog header without PRI. */
const CEF_HEADER_MAX = 256;

/**
 * Decodes one message's text in a pinned format, or detects the format (`auto`).
 *
 * Auto-detection looks at the first non-blank character first:
 * `{` JSON (a failure is a JSON parse error only if the text looks like a JSON object);
 * `[…]` JSON array, else on; `<PRI>` syslog — 5424 when a version digit follows, else 3164;
 * `CEF:` at the start or after a PRI-less syslog header; a line shape one of the line
 * recognizers claims (src/core/recognize/line.ts); logfmt when the line has ≥ 2
 * `key=value` pairs and no more bare words than pairs; otherwise text.
 * A JSON object in a shipper's shape (ECS, Docker, journald, …) or a CRI line has the line it
 * carries decoded the same way and merged in (src/core/recognize/envelope*.ts, cri.ts).
 * Then, when the draft names a program and holds its message, the program's decoder
 * (src/core/recognize/programs/) reads the message.
 * The operator's extractors (ctx.extractors, src/core/recognize/extractors.ts) come first for
 * the whole line (line extractors, which win where they match) and last for a program's
 * message (program extractors, which add to what the built-in decoder found).
 *
 * A pinned format that fails leaves `error` set, `format` the pinned one and `message` null.
 * A leading BOM and trailing CR/LF are not part of what is decoded.
 */
export function decodeByFormat(text: string, format: Format | 'auto', ctx: DecodeContext): Draft {
  const draft = decodeWith(text, format, withLineDecoder(ctx, decodeInnerLine));
  // Whatever named the program (a syslog header, an envelope), its message is read by the
  // program's decoder when there is one.
  if (draft.process !== null && draft.message !== null) {
    decodeProgram(draft);
    // The operator's extractors for the program read the message after the built-in decoder.
    if (ctx.extractors !== undefined) applyProgramExtractors(ctx.extractors, draft, ctx, format);
  }
  // A peer no decoder placed, named in the text by `ip=`, `rhost=`, `remote_addr=`…
  if (draft.message !== null && (draft.src_ip === null || draft.dst_ip === null)) keyValuePeers(draft.message, draft);
  return draft;
}

/**
 * The line inside a shipper envelope (src/core/recognize/envelope.ts): auto-detected like a
 * message, without program decoders (they run once, on the draft merged from envelope and
 * line). Envelopes nest two deep at most — Fluent Bit's JSON around a CRI line around an
 * application's JSON line — so the second level's context has no `decodeLine`.
 */
function decodeInnerLine(text: string, ctx: DecodeContext): Draft {
  return decodeWith(text, 'auto', withLineDecoder(ctx, decodeInnermostLine));
}

function decodeInnermostLine(text: string, ctx: DecodeContext): Draft {
  return decodeWith(text, 'auto', withLineDecoder(ctx, undefined));
}

function decodeWith(text: string, format: Format | 'auto', ctx: DecodeContext): Draft {
  const body = trimBody(text);
  const draft = newDraft(format === 'auto' ? 'text' : format);
  const extractors = ctx.extractors;
  if (extractors !== undefined && applyLineExtractors(extractors, body, draft, ctx, format)) {
    // An operator's line extractor claimed the line: it wins over built-in recognition.
  } else if (format === 'auto') {
    autoDetect(body, draft, ctx);
  } else {
    draft.error = decodePinned(body, format, draft, ctx);
    if (draft.error !== null) draft.format = format;
  }
  return draft;
}

function decodePinned(body: string, format: Format, draft: Draft, ctx: DecodeContext): string | null {
  switch (format) {
    case 'json': {
      const r = decodeJson(body, draft, ctx);
      return r.ok ? null : r.error;
    }
    case 'syslog5424':
    case 'syslog3164': {
      const start = skipBlank(body, 0);
      const pri = scanPri(body, start);
      // A syslog file line (no PRI, a header) is what a pinned 3164 topic carries from a file shipper.
      if (pri === null && format === 'syslog3164' && scanSyslogHeader(body, start, ctx.receivedAt) !== null) {
        const err = decodeSyslog3164(body, null, start, draft, ctx);
        if (draft.format === 'syslog3164') claim(draft, 'syslog-file');
        return err;
      }
      if (pri === null) return `${format}: expected <PRI> at column ${start + 1}`;
      return format === 'syslog5424'
        ? decodeSyslog5424(body, pri.pri, pri.end, draft, ctx)
        : decodeSyslog3164(body, pri.pri, pri.end, draft, ctx);
    }
    case 'cef': {
      const r = decodeCef(body, skipBlank(body, 0), draft, ctx);
      return r === false ? `cef: no 'CEF:<version>|' found at the start or after a syslog header` : r;
    }
    case 'logfmt': {
      const r = parseLogfmt(body);
      if (!r.ok) return r.error;
      decodeLogfmt(r.pairs, draft, ctx);
      return null;
    }
    case 'text':
      decodeText(body, draft, ctx);
      return null;
  }
}

function autoDetect(body: string, draft: Draft, ctx: DecodeContext): void {
  const i = skipBlank(body, 0);
  const c = body.charCodeAt(i);
  if (c === 123 /* { */) {
    const r = decodeJson(body, draft, ctx);
    if (r.ok) return;
    if (looksLikeJsonObject(body, i)) {
      draft.format = 'json';
      draft.error = r.error;
      return;
    }
  } else if (c === 91 /* [ */ && body.charCodeAt(body.length - 1) === 93) {
    if (decodeJson(body, draft, ctx).ok) return;
  } else if (c === 60 /* < */) {
    const pri = scanPri(body, i);
    if (pri !== null) {
      const v = body.charCodeAt(pri.end);
      draft.error =
        v >= 49 && v <= 57 && isVersionThenSpace(body, pri.end)
          ? decodeSyslog5424(body, pri.pri, pri.end, draft, ctx)
          : decodeSyslog3164(body, pri.pri, pri.end, draft, ctx);
      return;
    }
  }
  const cef = decodeCef(body, i, draft, ctx);
  if (cef !== false) {
    draft.error = cef;
    return;
  }
  if (recognizeLine(body, draft, ctx)) return;
  if (hasTwoEquals(body)) {
    const r = parseLogfmt(body);
    if (r.ok && r.assignments >= 2 && r.assignments >= r.bare) {
      decodeLogfmt(r.pairs, draft, ctx);
      return;
    }
  }
  decodeText(body, draft, ctx);
}

/**
 * CEF at s[i], after a `<PRI>` syslog header, or after a PRI-less `Mmm dd hh:mm:ss host ` header.
 * False when there is no CEF marker; otherwise the parse error or null.
 */
function decodeCef(s: string, i: number, draft: Draft, ctx: DecodeContext): string | null | false {
  if (isCefStart(s, i)) return decodeCefPayload(s.slice(i), draft, ctx);
  const at = s.indexOf('CEF:', i);
  if (at < 0 || at - i > CEF_HEADER_MAX || s.charCodeAt(at - 1) !== 32 || !isCefStart(s, at)) return false;
  const pri = scanPri(s, i);
  if (pri !== null) {
    const err = isVersionThenSpace(s, pri.end)
      ? decodeSyslog5424(s, pri.pri, pri.end, draft, ctx)
      : decodeSyslog3164(s, pri.pri, pri.end, draft, ctx);
    if (draft.format === 'cef') return err;
    draft.message = null; // CEF not at the start of MSG: the caller reports it, message = raw text
    return false;
  }
  const prefix = s.slice(i, at);
  const used = readHeader(prefix, 0, draft, ctx);
  const rest = prefix.slice(used).trim();
  if (rest.length > 0) draft.attributes.syslog_header = rest;
  return decodeCefPayload(s.slice(at), draft, ctx);
}

/** `1 ` to `999 ` after PRI: the RFC 5424 VERSION. */
function isVersionThenSpace(s: string, p: number): boolean {
  let k = p;
  while (k < s.length && k - p < 3 && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
  return k > p && s.charCodeAt(p) !== 48 && s.charCodeAt(k) === 32;
}

function hasTwoEquals(s: string): boolean {
  const first = s.indexOf('=');
  return first >= 0 && s.indexOf('=', first + 1) >= 0;
}

function skipBlank(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/** Drops a leading BOM and trailing CR/LF. */
function trimBody(text: string): string {
  let start = 0;
  let end = text.length;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  while (end > start) {
    const c = text.charCodeAt(end - 1);
    if (c !== 10 && c !== 13) break;
    end--;
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
