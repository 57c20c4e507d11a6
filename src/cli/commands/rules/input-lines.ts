/**
 * The lines of an NDJSON (or any line-per-message) file, as raw bytes with their line numbers,
 * read as a stream: each line is one message exactly as a producer would have sent it (no
 * decoding here, so invalid UTF-8 reaches the decoder as it would from Kafka). `\n` ends a
 * line and a `\r` before it is dropped; blank lines are skipped but counted.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { LogaggError } from '../../../errors.js';

export interface InputLine {
  /** 1-based. */
  line: number;
  bytes: Uint8Array;
}

const NL = 0x0a;
const CR = 0x0d;

function isBlank(b: Uint8Array): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  return true;
}

/** Splits a byte stream into lines (see the module comment). */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<InputLine> {
  let carry: Uint8Array = new Uint8Array(0);
  let line = 0;
  const emit = (b: Uint8Array): InputLine | null => {
    line++;
    const end = b.length > 0 && b[b.length - 1] === CR ? b.length - 1 : b.length;
    const bytes = b.subarray(0, end);
    return isBlank(bytes) ? null : { line, bytes: Uint8Array.from(bytes) };
  };
  for await (const chunk of chunks) {
    let start = 0;
    let nl = chunk.indexOf(NL, start);
    while (nl >= 0) {
      const piece = carry.length === 0 ? chunk.subarray(start, nl) : concat(carry, chunk.subarray(start, nl));
      carry = new Uint8Array(0);
      const l = emit(piece);
      if (l !== null) yield l;
      start = nl + 1;
      nl = chunk.indexOf(NL, start);
    }
    if (start < chunk.length) carry = concat(carry, chunk.subarray(start));
  }
  if (carry.length > 0) {
    const l = emit(carry);
    if (l !== null) yield l;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The lines of `file`, or of standard input for `-`. A missing file is a usage error. */
export async function readInputLines(file: string): Promise<AsyncGenerator<InputLine>> {
  if (file === '-') return splitLines(process.stdin);
  try {
    const st = await stat(file);
    // Pipes and devices are fine (`--input <(kcat …)`); a folder is not.
    if (st.isDirectory()) throw new LogaggError('USAGE', `--input ${file}: a folder, not a file`);
  } catch (e) {
    if (e instanceof LogaggError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new LogaggError('USAGE', `--input ${file}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
  return splitLines(createReadStream(file));
}
