/**
 * Syslog over a byte stream (TCP, TLS): cutting the stream into messages, RFC 6587.
 *
 *   octet counting:  MSG-LEN SP SYSLOG-MSG   (MSG-LEN = NONZERO-DIGIT *DIGIT, in bytes)
 *   LF framing:      SYSLOG-MSG LF           ("non-transparent framing"; a trailing CR is dropped)
 *
 * `auto` decides once per connection, from the first byte of its first message: a digit 1-9
 * means octet counting, anything else LF framing — so a line-framed sender whose later lines
 * start with a number is never misread. LF, CR and NUL between messages are skipped.
 *
 * Nothing is dropped silently: a message longer than maxBytes is cut to maxBytes (the rest is
 * skipped) and counted in `truncated`; a malformed octet-counting header (`12x`, `0 `, ten
 * digits) is counted in `errors` and the bytes up to the next LF become one message, after
 * which an `auto` connection decides its framing again; what is left at end() (an unterminated
 * line, a cut-off frame) is delivered, a cut-off frame counted in `errors`.
 *
 * Pure: bytes in, messages out; chunk boundaries never change the result.
 */
import type { Framing } from '../config/sections/listeners.js';

export type FramingMode = 'octet-counting' | 'lf';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const ZERO = 0x30;
const NINE = 0x39;
/** MSG-LEN has at most this many digits (just under 1 GB). */
const MAX_LEN_DIGITS = 9;

type State = 'start' | 'header' | 'body' | 'skip' | 'line' | 'skip-line';

const isDigit = (b: number) => b >= ZERO && b <= NINE;

export class SyslogFramer {
  /** Messages cut at maxBytes so far. */
  truncated = 0;
  /** Malformed headers and messages cut off by the end of the stream so far. */
  errors = 0;

  private state: State = 'start';
  private decided: FramingMode | null;
  private header = '';
  /** body: the kept part being filled; skip: bytes still to skip. */
  private body: Buffer | null = null;
  private filled = 0;
  private remaining = 0;
  /** line: the parts read so far, and their length. */
  private parts: Buffer[] = [];
  private lineLength = 0;

  constructor(private readonly opts: { framing: Framing; maxBytes: number }) {
    this.decided = opts.framing === 'auto' ? null : opts.framing;
  }

  /** The framing in use: decided (auto), pinned, or null before the first message. */
  get mode(): FramingMode | null {
    return this.decided;
  }

  /** Bytes held for a message not yet complete. */
  get buffered(): number {
    return this.state === 'body' ? this.filled : this.state === 'line' ? this.lineLength : this.state === 'header' ? this.header.length : 0;
  }

  push(chunk: Uint8Array): Buffer[] {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: Buffer[] = [];
    const max = this.opts.maxBytes;
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case 'start': {
          while (pos < buf.length && (buf[pos] === LF || buf[pos] === CR || buf[pos] === NUL)) pos++;
          if (pos >= buf.length) break;
          const first = buf[pos]!;
          const mode = this.decided ?? (first > ZERO && first <= NINE ? 'octet-counting' : 'lf');
          if (this.opts.framing === 'auto') this.decided = mode;
          this.state = mode === 'octet-counting' ? 'header' : 'line';
          this.header = '';
          break;
        }
        case 'header': {
          const b = buf[pos]!;
          if (b === SP && this.header.length > 0 && this.header[0] !== '0') {
            pos++;
            const len = Number(this.header);
            this.header = '';
            const keep = Math.min(len, max);
            this.body = Buffer.allocUnsafe(keep);
            this.filled = 0;
            this.remaining = len - keep;
            this.state = 'body';
          } else if (isDigit(b) && this.header.length < MAX_LEN_DIGITS) {
            this.header += String.fromCharCode(b);
            pos++;
          } else {
            // Not `LEN SP`: keep the bytes as the start of an LF-framed message.
            this.errors++;
            this.toLine(Buffer.from(this.header, 'latin1'));
            if (this.opts.framing === 'auto') this.decided = null;
          }
          break;
        }
        case 'body': {
          const body = this.body!;
          const n = Math.min(body.length - this.filled, buf.length - pos);
          buf.copy(body, this.filled, pos, pos + n);
          this.filled += n;
          pos += n;
          if (this.filled === body.length) {
            out.push(body);
            this.body = null;
            if (this.remaining > 0) {
              this.truncated++;
              this.state = 'skip';
            } else {
              this.state = 'start';
            }
          }
          break;
        }
        case 'skip': {
          const n = Math.min(this.remaining, buf.length - pos);
          this.remaining -= n;
          pos += n;
          if (this.remaining === 0) this.state = 'start';
          break;
        }
        case 'line': {
          const lf = buf.indexOf(LF, pos);
          const end = lf < 0 ? buf.length : lf;
          const room = max - this.lineLength;
          if (end - pos > room) {
            // Longer than maxBytes: deliver the first maxBytes, skip to the end of the line.
            this.addPart(buf.subarray(pos, pos + room));
            out.push(this.takeLine(false));
            this.truncated++;
            pos += room;
            this.state = 'skip-line';
            break;
          }
          this.addPart(buf.subarray(pos, end));
          pos = end;
          if (lf >= 0) {
            pos = lf + 1;
            const line = this.takeLine(true);
            if (line.length > 0) out.push(line);
            this.state = 'start';
          }
          break;
        }
        case 'skip-line': {
          const lf = buf.indexOf(LF, pos);
          if (lf < 0) {
            pos = buf.length;
          } else {
            pos = lf + 1;
            this.state = 'start';
          }
          break;
        }
      }
    }
    return out;
  }

  /** The stream ended: delivers what is held (see the module comment). */
  end(): Buffer[] {
    const out: Buffer[] = [];
    switch (this.state) {
      case 'header':
        this.errors++;
        out.push(Buffer.from(this.header, 'latin1'));
        break;
      case 'body':
        this.errors++;
        if (this.filled > 0) out.push(this.body!.subarray(0, this.filled));
        break;
      case 'skip':
        this.errors++;
        break;
      case 'line': {
        const line = this.takeLine(true);
        if (line.length > 0) out.push(line);
        break;
      }
      default:
        break;
    }
    this.state = 'start';
    this.header = '';
    this.body = null;
    this.parts = [];
    this.lineLength = 0;
    return out;
  }

  private toLine(start: Buffer): void {
    this.parts = start.length > 0 ? [start] : [];
    this.lineLength = start.length;
    this.header = '';
    this.state = 'line';
  }

  private addPart(part: Buffer): void {
    if (part.length === 0) return;
    this.parts.push(part);
    this.lineLength += part.length;
  }

  /** The line read so far (copied out of the chunks), without a trailing CR when `trimCr`. */
  private takeLine(trimCr: boolean): Buffer {
    let line = this.parts.length === 1 ? Buffer.from(this.parts[0]!) : Buffer.concat(this.parts, this.lineLength);
    this.parts = [];
    this.lineLength = 0;
    if (trimCr && line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    return line;
  }
}
