/**
 * Message bytes to text: cut at the size cap on a UTF-8 character boundary, invalid sequences
 * replaced by U+FFFD (WHATWG decoding), a leading BOM kept so `raw` stays the original text.
 */

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export interface DecodedText {
  text: string;
  /** Bytes decoded (≤ the input length). */
  bytesUsed: number;
  truncated: boolean;
  /** Byte offset of the first invalid UTF-8 sequence; -1 when the (cut) bytes are valid. */
  invalidAt: number;
}

export function decodeUtf8(bytes: Uint8Array, maxBytes: number): DecodedText {
  let used = bytes.length;
  const truncated = used > maxBytes;
  if (truncated) used = utf8Boundary(bytes, Math.max(0, Math.floor(maxBytes)));
  const view = used === bytes.length ? bytes : bytes.subarray(0, used);
  try {
    return { text: strict.decode(view), bytesUsed: used, truncated, invalidAt: -1 };
  } catch {
    return { text: lenient.decode(view), bytesUsed: used, truncated, invalidAt: firstInvalid(view) };
  }
}

/**
 * Largest cut ≤ max that does not split a well-formed character: when the byte at max continues
 * a sequence whose lead byte (at most three bytes back) needs more bytes than there are before
 * max, the cut moves to that lead byte. Stray continuation bytes after a complete character are
 * each a character of their own (U+FFFD) and are not backed over.
 */
export function utf8Boundary(bytes: Uint8Array, max: number): number {
  if (max >= bytes.length) return bytes.length;
  if ((bytes[max]! & 0xc0) !== 0x80) return max;
  let lead = max - 1;
  for (let k = 0; k < 3 && lead >= 0 && (bytes[lead]! & 0xc0) === 0x80; k++) lead--;
  if (lead < 0) return max;
  const c = bytes[lead]!;
  const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
  return lead + need + 1 > max ? lead : max;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    let max = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) n = 2;
    else if (c >= 0xf0 && c <= 0xf4) n = 3;
    else return i;
    // Second-byte ranges that exclude overlongs, surrogates and code points above U+10FFFF.
    min = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    if (c === 0xed) max = 0x9f;
    else if (c === 0xf4) max = 0x8f;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? min : 0x80) || d > (k === 1 ? max : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}
