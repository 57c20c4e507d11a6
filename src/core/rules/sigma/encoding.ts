/**
 * The Sigma encoding modifiers, applied to a plain value at compile time: the rule then looks
 * for the encoded text in the event (the way a converter writes it into a query).
 *
 * - `utf16le` / `wide`, `utf16be`, `utf16` (little endian with a byte order mark FF FE) turn the
 *   text into bytes; without them the bytes are UTF-8.
 * - `base64`: the bytes' Base64 text, padding included.
 * - `base64offset`: the three Base64 fragments that appear, whatever the value's offset in a
 *   longer encoded text, with the characters that depend on neighbouring bytes cut off (same
 *   cuts as pySigma: start 0/2/3 characters, end by the length's remainder).
 */
export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'utf16';

export function encodeText(text: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'utf16be':
      return Buffer.from(text, 'utf16le').swap16();
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  }
}

export function base64(bytes: Buffer): string {
  return bytes.toString('base64');
}

const START_CUT = [0, 2, 3] as const;
const END_CUT = [0, 3, 2] as const; // characters dropped at the end, by (length + shift) % 3

export function base64Offsets(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const enc = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64');
    const end = enc.length - (END_CUT[(bytes.length + shift) % 3] as number);
    const frag = enc.slice(START_CUT[shift], end);
    if (frag && !out.includes(frag)) out.push(frag);
  }
  return out;
}
