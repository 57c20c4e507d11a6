/**
 * Storage v2 groundwork (issue 12): how small the raw lines get when many events are
 * compressed together in one block. Bytes only; nothing here is timed. Codecs are node:zlib's
 * (no new dependency); zstd is not offered because Node 20 has none and no addon is installed.
 */
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';

/** A block codec: the compressed bytes of one block of lines joined by '\n'. */
export interface BlockCodec {
  name: string;
  compress(block: Buffer): Buffer;
}

/** `label` names the dictionary in the codec's name (e.g. "trained"). */
export function deflateCodec(level: number, dictionary?: { label: string; bytes: Buffer }): BlockCodec {
  // Raw deflate: a block stored in the database needs no zlib header or checksum of its own
  // (SQLite pages have none either); the dictionary is known to both sides.
  if (dictionary === undefined) return { name: `deflate ${level}`, compress: (b) => deflateRawSync(b, { level }) };
  const opts = { level, dictionary: dictionary.bytes };
  const kib = (dictionary.bytes.length / 1024).toFixed(1);
  return { name: `deflate ${level} + ${dictionary.label} dictionary (${kib} KiB)`, compress: (b) => deflateRawSync(b, opts) };
}

export function brotliCodec(quality: number): BlockCodec {
  return {
    name: `brotli ${quality}`,
    compress: (b) =>
      brotliCompressSync(b, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: quality,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: b.length,
        },
      }),
  };
}

export interface BlockResult {
  codec: string;
  /** Events per block (the last block may hold fewer). */
  blockEvents: number;
  blocks: number;
  /** Input: the lines' UTF-8 bytes (without separators). */
  rawBytes: number;
  /** Sum of the compressed blocks. */
  compressedBytes: number;
}

/** Compresses `lines` in consecutive blocks of `blockEvents` lines, each block on its own. */
export function compressInBlocks(lines: readonly string[], blockEvents: number, codec: BlockCodec): BlockResult {
  if (!Number.isInteger(blockEvents) || blockEvents < 1) throw new RangeError(`blockEvents must be a positive integer, not ${blockEvents}`);
  let rawBytes = 0;
  let compressedBytes = 0;
  let blocks = 0;
  for (let i = 0; i < lines.length; i += blockEvents) {
    const part = lines.slice(i, i + blockEvents);
    for (const l of part) rawBytes += Buffer.byteLength(l);
    compressedBytes += codec.compress(Buffer.from(part.join('\n'))).length;
    blocks++;
  }
  return { codec: codec.name, blockEvents, blocks, rawBytes, compressedBytes };
}

/** Deflate's window: a dictionary longer than this is only read from its end. */
export const DEFLATE_WINDOW = 32 * 1024;

/**
 * A deflate dictionary trained on sample lines: the constant parts of the lines' templates.
 * Each line is cut at runs of digits (timestamps, addresses, counters, ids differ from line to
 * line; the words around them repeat); every piece of at least `minPiece` bytes is counted, and
 * the pieces worth most (occurrences × length: the bytes a match could replace) fill the
 * dictionary. The best go last, since deflate codes nearer matches in fewer bits and a window
 * that slid past the start still holds the end.
 */
export function trainDictionary(sample: readonly string[], maxBytes = DEFLATE_WINDOW, minPiece = 4): Buffer {
  const counts = new Map<string, number>();
  for (const line of sample) {
    for (const piece of line.split(/[0-9]+/)) {
      if (piece.length >= minPiece) counts.set(piece, (counts.get(piece) ?? 0) + 1);
    }
  }
  // A piece seen once is no template: it would only crowd out the ones that repeat.
  const ranked = [...counts].filter(([, n]) => n > 1).sort((a, b) => b[1] * b[0].length - a[1] * a[0].length || (a[0] < b[0] ? -1 : 1));
  const chosen: Buffer[] = [];
  let size = 0;
  for (const [piece] of ranked) {
    const b = Buffer.from(piece);
    if (size + b.length > maxBytes) continue;
    chosen.push(b);
    size += b.length;
  }
  return Buffer.concat(chosen.reverse());
}

/**
 * The naive dictionary to compare trainDictionary with: whole sample lines, taken evenly
 * across the sample, up to `maxBytes`.
 */
export function sampleLinesDictionary(sample: readonly string[], maxBytes = DEFLATE_WINDOW): Buffer {
  const chosen: Buffer[] = [];
  let size = 0;
  const total = sample.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  const step = Math.max(1, Math.ceil(total / maxBytes));
  for (let i = 0; i < sample.length; i += step) {
    const b = Buffer.from(`${sample[i] as string}\n`);
    if (size + b.length > maxBytes) break;
    chosen.push(b);
    size += b.length;
  }
  return Buffer.concat(chosen);
}
