/**
 * An incremental Server-Sent Events parser (WHATWG HTML, "event stream interpretation"). Pure:
 * text in (already decoded from UTF-8 by the caller, e.g. TextDecoder with `stream: true`),
 * items out. Chunks may split anywhere, a CRLF included.
 *
 * - Lines end with CRLF, LF or CR; a leading BOM is skipped once.
 * - `:` starts a comment (heartbeats); `field: value` drops one space after the colon; a line
 *   without a colon is a field with an empty value; unknown fields are ignored.
 * - A blank line dispatches the event when data was given; `event` defaults to "message";
 *   the last `id` persists across events (the resume position) and an id holding NUL is ignored.
 * - `retry` takes ASCII digits only.
 * Malformed input never throws; a line longer than `maxLineChars` does (a server sending one
 * endless line would otherwise grow the buffer without bound): the caller drops the connection.
 */

export type SseItem =
  | { kind: 'event'; type: string; data: string; lastEventId: string }
  | { kind: 'retry'; ms: number }
  | { kind: 'comment'; text: string };

export class SseLineTooLongError extends Error {
  constructor(readonly maxLineChars: number) {
    super(`event stream line longer than ${maxLineChars} characters`);
    this.name = 'SseLineTooLongError';
  }
}

/** 16 Mi characters: far above a log event (storage.max_message_bytes is at most 64 MiB, lists omit raw). */
const DEFAULT_MAX_LINE = 16 * 1024 * 1024;

export class SseParser {
  private buf = '';
  private started = false;
  /** The previous chunk ended with CR: an LF opening this chunk belongs to it. */
  private pendingCr = false;
  private type = '';
  private data: string[] = [];
  private hasData = false;
  private lastId = '';
  private readonly maxLine: number;

  constructor(opts: { maxLineChars?: number; lastEventId?: string } = {}) {
    this.maxLine = opts.maxLineChars ?? DEFAULT_MAX_LINE;
    this.lastId = opts.lastEventId ?? '';
  }

  /** The id of the last event seen (or given at construction): send it back as Last-Event-ID. */
  get lastEventId(): string {
    return this.lastId;
  }

  push(chunk: string): SseItem[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    const out: SseItem[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.buf + text.slice(start, i);
      this.buf = '';
      this.line(line, out);
      if (c === 13) {
        if (i + 1 === text.length) this.pendingCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    if (start < text.length) {
      this.buf += text.slice(start);
      if (this.buf.length > this.maxLine) {
        this.buf = '';
        throw new SseLineTooLongError(this.maxLine);
      }
    }
    return out;
  }

  private line(line: string, out: SseItem[]): void {
    if (line.length > this.maxLine) throw new SseLineTooLongError(this.maxLine);
    if (line === '') {
      if (this.hasData) out.push({ kind: 'event', type: this.type === '' ? 'message' : this.type, data: this.data.join('\n'), lastEventId: this.lastId });
      this.type = '';
      this.data = [];
      this.hasData = false;
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      out.push({ kind: 'comment', text: line.slice(1).replace(/^ /, '') });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) out.push({ kind: 'retry', ms: Number(value) });
        break;
      default:
        break;
    }
  }
}
