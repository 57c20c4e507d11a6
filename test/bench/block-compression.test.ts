import { inflateRawSync } from 'node:zlib';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { brotliCodec, compressInBlocks, deflateCodec, DEFLATE_WINDOW, sampleLinesDictionary, trainDictionary, type BlockCodec } from '../../src/bench/block-compression.js';

const LINES = Array.from({ length: 10 }, (_, i) => `Nov 20 10:16:0${i} bastion-01 sshd[${4200 + i}]: Failed password for root from 185.12.7.${i} port ${40000 + i} ssh2`);

/** A codec that records the blocks it was given and "compresses" each to one byte. */
function recorder(): BlockCodec & { blocks: string[] } {
  const blocks: string[] = [];
  return { name: 'recorder', blocks, compress: (b) => (blocks.push(b.toString()), Buffer.alloc(1)) };
}

describe('compressInBlocks', () => {
  test('no lines: no blocks, no bytes', () => {
    expect(compressInBlocks([], 4, deflateCodec(6))).toEqual({ codec: 'deflate 6', blockEvents: 4, blocks: 0, rawBytes: 0, compressedBytes: 0 });
  });

  test.each([0, -1, 1.5])('a block size of %s is refused', (size) => {
    expect(() => compressInBlocks(LINES, size, deflateCodec(6))).toThrow(/positive integer/);
  });

  test.each([
    [1, 10],
    [3, 4],
    [10, 1],
    [1000, 1],
  ])('blocks of %i events: %i blocks, the last one short, lines joined by newlines', (size, blocks) => {
    const codec = recorder();
    const r = compressInBlocks(LINES, size, codec);
    expect(r.blocks).toBe(blocks);
    expect(codec.blocks).toHaveLength(blocks);
    expect(codec.blocks.join('\n')).toBe(LINES.join('\n'));
    expect(r.compressedBytes).toBe(blocks);
    expect(r.rawBytes).toBe(LINES.join('').length);
  });

  test('raw bytes count UTF-8 bytes, not characters', () => {
    expect(compressInBlocks(['é', '€'], 2, recorder()).rawBytes).toBe(5);
  });

  test('repetitive lines shrink, and more events a block shrink further', () => {
    const many = Array.from({ length: 400 }, (_, i) => LINES[i % LINES.length] as string);
    const small = compressInBlocks(many, 4, deflateCodec(6));
    const large = compressInBlocks(many, 200, deflateCodec(6));
    expect(small.compressedBytes).toBeLessThan(small.rawBytes);
    expect(large.compressedBytes).toBeLessThan(small.compressedBytes / 4);
  });
});

describe('codecs', () => {
  const block = Buffer.from(LINES.join('\n'));

  test.each([1, 6, 9])('deflate %i round-trips, as raw deflate', (level) => {
    const c = deflateCodec(level);
    expect(c.name).toBe(`deflate ${level}`);
    expect(inflateRawSync(c.compress(block)).toString()).toBe(block.toString());
  });

  test.each([4, 9])('brotli %i round-trips', (q) => {
    const c = brotliCodec(q);
    expect(c.name).toBe(`brotli ${q}`);
    expect(brotliDecompressSync(c.compress(block)).toString()).toBe(block.toString());
  });

  test('a dictionary round-trips only with the same dictionary, and makes a small block smaller', () => {
    const dict = trainDictionary(LINES);
    const c = deflateCodec(6, { label: 'trained', bytes: dict });
    expect(c.name).toMatch(/^deflate 6 \+ trained dictionary \(\d+\.\d KiB\)$/);
    const one = Buffer.from('Nov 21 11:00:00 bastion-01 sshd[99]: Failed password for root from 10.0.0.1 port 1 ssh2');
    const packed = c.compress(one);
    expect(inflateRawSync(packed, { dictionary: dict }).toString()).toBe(one.toString());
    expect(() => inflateRawSync(packed)).toThrow();
    expect(packed.length).toBeLessThan(deflateCodec(6).compress(one).length);
  });
});

describe('trainDictionary', () => {
  test('no sample, or nothing repeated: an empty dictionary', () => {
    expect(trainDictionary([]).length).toBe(0);
    expect(trainDictionary(['alpha beta', 'gamma delta']).length).toBe(0);
  });

  test('keeps the repeated pieces between digits, the most valuable last', () => {
    const d = trainDictionary(['GET /a 200 ok', 'GET /a 404 ok', 'PUT /b 1 fine thanks', 'PUT /b 2 fine thanks']).toString();
    // " fine thanks" (12 bytes × 2) outranks "GET /a " (7 × 2) and "PUT /b " (7 × 2); " ok" is under 4 bytes.
    expect(d.endsWith(' fine thanks')).toBe(true);
    expect(d).toContain('GET /a ');
    expect(d).toContain('PUT /b ');
    expect(d).not.toContain(' ok');
  });

  test('never longer than asked, by default deflate\'s window', () => {
    // 2,000 templates of digit-free text, each seen more than once: far more than fits.
    const letters = (n: number): string => [n % 26, Math.floor(n / 26) % 26, Math.floor(n / 676)].map((d) => String.fromCharCode(97 + d)).join('');
    const sample = Array.from({ length: 5000 }, (_, i) => `template ${letters(i % 2000)} abcdefghijklmnop 7 ${letters(i % 2000)} qrstuvwxyz`);
    expect(trainDictionary(sample).length).toBeLessThanOrEqual(DEFLATE_WINDOW);
    expect(trainDictionary(sample).length).toBeGreaterThan(DEFLATE_WINDOW - 64);
    expect(trainDictionary(sample, 100).length).toBeLessThanOrEqual(100);
  });
});

describe('sampleLinesDictionary', () => {
  test('whole lines, evenly across the sample, up to the size', () => {
    expect(sampleLinesDictionary([]).length).toBe(0);
    expect(sampleLinesDictionary(['a', 'b', 'c']).toString()).toBe('a\nb\nc\n');
    const d = sampleLinesDictionary(LINES, 200).toString();
    expect(d.length).toBeLessThanOrEqual(200);
    expect(d.split('\n').filter(Boolean).every((l) => LINES.includes(l))).toBe(true);
  });
});
